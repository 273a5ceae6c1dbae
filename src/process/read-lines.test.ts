import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from './read-lines.js';

async function collect(chunks: (string | Buffer)[], maxLineLength?: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(Readable.from(chunks), { maxLineLength })) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('reassembles lines split across chunks', async () => {
    const lines = await collect([
      Buffer.from('{"a":'),
      Buffer.from('1}\n{"b"'),
      Buffer.from(':2}\n'),
    ]);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('yields several lines from one chunk', async () => {
    expect(await collect([Buffer.from('one\ntwo\nthree\n')])).toEqual(['one', 'two', 'three']);
  });

  it('strips CRLF line endings, also when the CR and LF arrive in different chunks', async () => {
    expect(await collect([Buffer.from('one\r\ntwo\r'), Buffer.from('\nthree\r\n')])).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('yields a last line that has no newline', async () => {
    expect(await collect([Buffer.from('one\ntw'), Buffer.from('o')])).toEqual(['one', 'two']);
  });

  it('yields empty lines as empty strings and nothing for an empty stream', async () => {
    expect(await collect([Buffer.from('a\n\nb\n')])).toEqual(['a', '', 'b']);
    expect(await collect([])).toEqual([]);
  });

  it('reassembles a multi-byte character split between chunks', async () => {
    const bytes = Buffer.from('héllo → wörld\n');
    const lines = await collect([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]);
    expect(lines).toEqual(['héllo → wörld']);
  });

  it('truncates a line longer than the bound and carries on with the next one', async () => {
    const long = 'x'.repeat(50);
    const lines = await collect([long.slice(0, 20), long.slice(20) + '\nshort\n'], 30);
    expect(lines).toEqual(['x'.repeat(30), 'short']);
  });
});
