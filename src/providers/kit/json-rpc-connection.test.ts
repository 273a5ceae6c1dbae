import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../process/index.js';
import { createJsonRpcConnection } from './json-rpc-connection.js';

// The Codex dialect (no `jsonrpc` field) is tested through codex-app-server-client.test.ts.
describe('createJsonRpcConnection with jsonrpc 2.0', () => {
  it('sends the jsonrpc field on requests, notifications and replies', async () => {
    const output = new PassThrough();
    const written: unknown[] = [];
    const connection = createJsonRpcConnection({
      peerName: 'Some agent',
      jsonrpc: '2.0',
      lines: readLines(output),
      write: (line) => written.push(JSON.parse(line)),
      answer: () => ({ result: { outcome: 'cancelled' } }),
    });
    const answered = connection.request('initialize', { protocolVersion: 1 });
    connection.notify('session/cancel', { sessionId: 's' });
    output.write('{"jsonrpc":"2.0","id":"p1","method":"session/request_permission","params":{}}\n');
    output.write('{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":1}}\n');
    await expect(answered).resolves.toEqual({ protocolVersion: 1 });
    expect(written).toEqual([
      { jsonrpc: '2.0', method: 'initialize', id: 0, params: { protocolVersion: 1 } },
      { jsonrpc: '2.0', method: 'session/cancel', params: { sessionId: 's' } },
      { jsonrpc: '2.0', id: 'p1', result: { outcome: 'cancelled' } },
    ]);
    output.end();
    await connection.closed;
  });

  it('names the peer when it refuses a request', async () => {
    const output = new PassThrough();
    const connection = createJsonRpcConnection({
      peerName: 'Some agent',
      lines: readLines(output),
      write: () => undefined,
      answer: () => ({ result: null }),
    });
    const refused = connection.request('session/load', {});
    output.end('{"id":0,"error":{"code":-32002,"message":"no such session"}}\n');
    await expect(refused).rejects.toThrow('Some agent refused session/load: no such session');
  });
});
