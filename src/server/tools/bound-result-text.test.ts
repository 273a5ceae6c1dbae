import { describe, expect, it } from 'vitest';
import { boundResultText } from './bound-result-text.js';

describe('boundResultText', () => {
  it('leaves an answer within the bound as it is', () => {
    expect(boundResultText('short', 1000, 'subagent-mcp://x')).toEqual({
      text: 'short',
      isTruncated: false,
    });
  });

  it('keeps the beginning and the end of a long answer and says where the whole one is', () => {
    const answer = `${'a'.repeat(30_000)}${'b'.repeat(30_000)}`;
    const { text, isTruncated } = boundResultText(
      answer,
      20_000,
      'subagent-mcp://sessions/s/runs/1',
    );
    expect(isTruncated).toBe(true);
    expect(
      text.startsWith('a'.repeat(16_000) + '\n\n[… 40,000 of 60,000 characters cut here'),
    ).toBe(true);
    expect(text.endsWith(']\n\n' + 'b'.repeat(4_000))).toBe(true);
    expect(text).toContain('subagent-mcp://sessions/s/runs/1');
    expect(text.length).toBeLessThan(20_400);
  });

  it('never splits a surrogate pair and says so when nothing was recorded', () => {
    const answer = '😀'.repeat(2_000);
    const { text } = boundResultText(answer, 1001, undefined);
    expect(text).toContain('The whole answer was not recorded.');
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(text).not.toMatch(/(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});
