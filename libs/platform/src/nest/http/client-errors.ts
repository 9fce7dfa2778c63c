import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemType } from '../../problems/problem';

/** What Node's parser refused, as a problem: the request never reached a handler. */
function problemOf(code: string | undefined): { status: number; type: string; title: string; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        type: 'request-header-fields-too-large',
        title: 'The request headers are too large',
        detail: 'The request line and headers together exceed the limit (16 KiB): send a shorter query or fewer headers.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, type: 'request-timeout', title: 'The request took too long to arrive', detail: 'Send it again.' };
    default:
      return {
        status: 400,
        type: 'malformed-request',
        title: 'The request is not valid HTTP',
        detail: 'Send a valid HTTP/1.1 request.',
      };
  }
}

/**
 * Answers a request Node's HTTP parser refuses (headers too large, malformed) with a problem document, and closes
 * the connection once that answer is sent, rather than Node's bare status line and a connection cut at once (which a
 * client still sending its request reads as a reset, with no answer at all).
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, type, title, detail } = problemOf(error.code);
    const body = JSON.stringify({ type: problemType(type), title, status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // Whatever the client still sends is read and dropped, so that closing does not reset the connection under it.
    socket.resume();
  });
}
