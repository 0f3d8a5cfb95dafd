import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_TYPE_BASE } from './problem-details.filter';

/**
 * Requests Node rejects before Express sees them (headers over its 16 KiB limit, bytes that are
 * not HTTP/1.1) would otherwise get Node's bare `431`/`400` with no body. Answer them with the
 * same problem+json every other error gets, so a client can show the reason. Node stops writing
 * its own answer once a `clientError` listener exists; this one always ends the socket.
 */
export function answerMalformedRequestsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A peer that went away, or a socket already answered: nothing can be written.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(malformedRequestAnswer(error.code));
  });
}

/** The raw HTTP/1.1 response for a request Node's parser refused (exported for its unit test). */
export function malformedRequestAnswer(code: string | undefined): string {
  const headersTooLarge = code === 'HPE_HEADER_OVERFLOW';
  const timedOut = code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const [status, reason, type, detail] = headersTooLarge
    ? [431, 'Request Header Fields Too Large', 'headers-too-large', 'The request headers exceed 16 KiB. Send fewer or shorter headers (cookies count too).']
    : timedOut
      ? [408, 'Request Timeout', 'request-timeout', 'The request was not received completely in time. Send it again.']
      : [400, 'Bad Request', 'malformed-request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${type}`, title: reason, status, detail });
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
