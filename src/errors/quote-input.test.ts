import { describe, expect, it } from 'vitest';
import { quoteInput, shortenInput } from './quote-input.js';

describe('quoteInput', () => {
  it('quotes a short value whole, with NUL and control characters escaped', () => {
    expect(quoteInput('/tmp/work')).toBe('"/tmp/work"');
    expect(quoteInput('a\u0000b\nc')).toBe('"a\\u0000b\\nc"');
  });

  it('shows a lone surrogate as an escape', () => {
    expect(quoteInput('x\ud800')).toBe('"x\\ud800"');
  });

  it('cuts a long value with an ellipsis and says how long it was', () => {
    const quoted = quoteInput('y'.repeat(10_000_000));
    expect(quoted).toBe(`"${'y'.repeat(120)}…" (10,000,000 characters)`);
  });

  it('keeps the quote bounded whatever the input', () => {
    expect(quoteInput('\u0000'.repeat(1_000_000), 50).length).toBeLessThan(50 * 6 + 40);
  });

  it('never splits a surrogate pair', () => {
    const quoted = quoteInput('😀'.repeat(100), 11);
    expect(quoted).toBe(`"${'😀'.repeat(5)}…" (200 characters)`);
  });
});

describe('shortenInput', () => {
  it('leaves a short label as it is and cuts a long one with an ellipsis', () => {
    expect(shortenInput('claude-code')).toBe('claude-code');
    expect(shortenInput('p'.repeat(1_000_000), 10)).toBe(`${'p'.repeat(10)}…`);
  });
});
