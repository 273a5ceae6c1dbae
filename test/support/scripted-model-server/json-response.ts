/** Writing a whole JSON response, shared by the dialects. */
import type { ServerResponse } from 'node:http';

/**
 * Answers with `body` as JSON and these extra headers (a request id, retry hints…), unless the
 * response has already started or the client is gone.
 */
export function writeJsonResponse(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) {
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
