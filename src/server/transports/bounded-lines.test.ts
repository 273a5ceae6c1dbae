import { describe, expect, it } from 'vitest';
import { boundLines, type OversizedLine } from './bounded-lines.js';

/** Feeds `chunks` through boundLines and collects what comes out. */
async function feed(maxLineBytes: number, chunks: string[]) {
  const oversized: OversizedLine[] = [];
  const lines = boundLines(maxLineBytes, (line) => oversized.push(line));
  const out: string[] = [];
  lines.on('data', (line: Buffer) => out.push(line.toString()));
  for (const chunk of chunks) lines.write(Buffer.from(chunk));
  lines.end();
  await new Promise((resolve) => lines.once('end', resolve));
  return { out, oversized };
}

describe('boundLines', () => {
  it('passes complete lines within the bound on, one at a time, whatever the chunking', async () => {
    const { out, oversized } = await feed(20, ['{"a":1}\n{"b"', ':2}\n{"c":3}\n', '{"d"']);
    expect(out).toEqual(['{"a":1}\n', '{"b":2}\n', '{"c":3}\n']);
    expect(oversized).toEqual([]);
  });

  it('drops a line over the bound and keeps the lines around it', async () => {
    const long = `{"method":"tools/call","params":{"x":"${'z'.repeat(100)}"},"jsonrpc":"2.0","id":7}`;
    const { out, oversized } = await feed(50, [
      '{"id":1}\n',
      long.slice(0, 30),
      long.slice(30, 90),
      `${long.slice(90)}\n{"id":2}\n`,
    ]);
    expect(out).toEqual(['{"id":1}\n', '{"id":2}\n']);
    expect(oversized).toEqual([{ bytes: long.length + 1, id: 7 }]);
  });

  it('takes a line of exactly the bound', async () => {
    const { out } = await feed(10, ['0123456789\n']);
    expect(out).toEqual(['0123456789\n']);
  });

  it('finds the id at the start of a message, a string id too', async () => {
    const message = `{"jsonrpc":"2.0","id":"r-\\"1","method":"x","params":"${'q'.repeat(50)}"}`;
    const { oversized } = await feed(20, [`${message}\r\n`]);
    expect(oversized).toEqual([{ bytes: message.length + 2, id: 'r-"1' }]);
  });

  it('does not take an id nested in the params for the request id', async () => {
    const { oversized } = await feed(20, [
      `{"method":"x","params":{"arguments":{"id":5}},"pad":"${'q'.repeat(50)}"}\n`,
      `{"method":"x","params":{"y":"${'q'.repeat(50)}","id":5}}\n`,
    ]);
    expect(oversized.map((line) => line.id)).toEqual([undefined, undefined]);
  });
});
