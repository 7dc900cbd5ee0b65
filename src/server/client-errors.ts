/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a malformed request line or header,
 * a Content-Length given twice or beside Transfer-Encoding, a request line and headers over Node's
 * limit, a request that never finished) are answered in the API's error shape, `{ error: { code,
 * message, fix } }`, not Fastify's default `{ "error": "Bad Request", "message": "Client Error" }`.
 * There is no request yet: the answer is written to the socket, which is then closed (as Node does).
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorBody } from './http-errors.js';

/** The status and body for a parser error's code (`HPE_…`, `ERR_HTTP_REQUEST_TIMEOUT`). Pure. */
export function clientErrorAnswer(code: string | undefined): { status: number; body: ErrorBody } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      body: {
        error: {
          code: 'runwire.http.request_timeout',
          message: 'The request was not received in time.',
          fix: 'Send the whole request at once.',
        },
      },
    };
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      body: {
        error: {
          code: 'runwire.http.headers_too_large',
          message: 'The request line and headers are larger than this server accepts (16 KB by default).',
          fix: 'Send a shorter URL or fewer, shorter headers.',
        },
      },
    };
  return {
    status: 400,
    body: {
      error: {
        code: 'runwire.http.malformed_request',
        message:
          'The request is not valid HTTP/1.1: its request line or a header is malformed, or its length headers conflict.',
        fix: 'Send one Content-Length (or Transfer-Encoding: chunked), and percent-encode the URL.',
      },
    },
  };
}

/** Fastify's `clientErrorHandler` (called with the instance as `this`). */
export function clientErrorHandler(
  this: { log: FastifyBaseLogger },
  err: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorAnswer(err.code);
  this.log.info({ code: body.error.code, parser: err.code, status }, 'request refused by the HTTP parser');
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(err);
}
