import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves the MongoDB wire protocol with mongo-java-server, for machines without MongoDB.
 * Started by deploy/local/infra.sh:
 *
 *   java -cp "libs/*:classes" MongoWireServer <memory|h2> <port> [host] [version] [h2-file]
 *
 * version is a de.bwaldvogel.mongo.ServerVersion name; MONGO_5_0 (the newest the library
 * knows) announces wire version 8, which the mongodb driver 6 (mongoose 8) accepts.
 */
public final class MongoWireServer {
  private MongoWireServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: MongoWireServer <memory|h2> <port> [host] [version] [h2-file]");
      System.exit(2);
    }
    String kind = args[0];
    int port = Integer.parseInt(args[1]);
    String host = args.length > 2 ? args[2] : "127.0.0.1";
    ServerVersion version = ServerVersion.valueOf(args.length > 3 ? args[3] : "MONGO_5_0");

    AbstractMongoBackend backend;
    switch (kind) {
      case "memory":
        backend = new MemoryBackend();
        break;
      case "h2":
        if (args.length < 5) {
          System.err.println("the h2 backend needs a file name");
          System.exit(2);
        }
        Path file = Path.of(args[4]).toAbsolutePath();
        Files.createDirectories(file.getParent());
        backend = new H2Backend(file.toString());
        break;
      default:
        System.err.println("unknown backend '" + kind + "' (expected memory or h2)");
        System.exit(2);
        return;
    }
    backend.version(version);

    MongoServer server = new MongoServer(backend);
    // shutdownNow() closes client connections, then the backend (the H2 store is flushed and closed)
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "shutdown"));
    server.bind(host, port);
    System.out.println("mongo-java-server backend=" + kind + " version=" + version
        + " listening on " + host + ":" + port);
    System.out.flush();
    Thread.currentThread().join();
  }
}
