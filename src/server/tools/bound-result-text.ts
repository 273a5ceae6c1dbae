/**
 * The answer as a result carries it: whole when it fits `maxCharacters`, else its beginning and
 * its end (where agents put their conclusions) around a note that says how much was cut and
 * where the whole answer is. Claude Code caps MCP output at 25,000 tokens (docs/run-records.md).
 */
export interface BoundedText {
  text: string;
  isTruncated: boolean;
}

// The share of the kept characters taken from the end of the answer.
const tailShare = 0.2;

export function boundResultText(
  answer: string,
  maxCharacters: number,
  recordUri: string | undefined,
): BoundedText {
  if (answer.length <= maxCharacters) return { text: answer, isTruncated: false };
  const tailLength = Math.floor(maxCharacters * tailShare);
  const headEnd = avoidSplitPair(answer, maxCharacters - tailLength);
  const tailStart = avoidSplitPair(answer, answer.length - tailLength);
  const cut = tailStart - headEnd;
  const where = recordUri
    ? `The whole answer is in the run record ${recordUri}: read that resource (resources/read); its last line, the run-end event, holds the full text.`
    : 'The whole answer was not recorded.';
  const note = `\n\n[… ${count(cut)} of ${count(answer.length)} characters cut here: a result carries at most ${count(maxCharacters)} characters of the answer (maxResultTextCharacters). ${where}]\n\n`;
  return {
    text: `${answer.slice(0, headEnd)}${note}${answer.slice(tailStart)}`,
    isTruncated: true,
  };
}

/** `index`, moved back one when it would split a UTF-16 surrogate pair. */
function avoidSplitPair(text: string, index: number): number {
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
