import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

/** A provider's method that a method decorator marked, bound to the provider, with the decorator's metadata. */
export interface DecoratedMethod<Metadata, Method> {
  provider: object;
  method: Method;
  metadata: Metadata;
}

/** Every method of the application's providers that carries `key` (`@OnEvent`, `@OnTimer`), provider by provider. */
export function decoratedMethods<Metadata, Method extends (...args: never[]) => unknown>(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
  key: string,
): DecoratedMethod<Metadata, Method>[] {
  const found: DecoratedMethod<Metadata, Method>[] = [];
  for (const { instance } of discovery.getProviders()) {
    if (!instance || typeof instance !== 'object') continue;
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
      const target = (instance as Record<string, Method>)[name];
      const metadata = reflector.get<Metadata | undefined>(key, target);
      if (metadata !== undefined) found.push({ provider: instance, method: target.bind(instance) as Method, metadata });
    }
  }
  return found;
}
