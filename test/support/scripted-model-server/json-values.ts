/**
 * Small helpers for reading untrusted JSON request bodies without casts, and for the
 * text conventions every dialect shares.
 */

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Removes `<system-reminder>…</system-reminder>` sections that agents inject into user turns. */
export function stripSystemReminders(text: string): string {
  return text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '');
}

/** Finds the working directory an agent announces in its system prompt. */
export function findWorkingDirectory(texts: string[]): string | undefined {
  for (const text of texts) {
    const match = /(?:Primary working directory|Working directory|cwd)\s*:\s*(\S[^\n]*)/i.exec(
      text,
    );
    const directory = match?.[1]?.trim();
    if (directory) {
      return directory;
    }
  }
  return undefined;
}

/** A rough token count: one token per four characters, at least one. */
export function approximateTokens(characterCount: number): number {
  return Math.max(1, Math.ceil(characterCount / 4));
}

/** Splits text into small chunks so that streaming is visible to the client. */
export function splitIntoChunks(text: string, chunkLength = 12): string[] {
  const characters = Array.from(text);
  const chunks: string[] = [];
  for (let start = 0; start < characters.length; start += chunkLength) {
    chunks.push(characters.slice(start, start + chunkLength).join(''));
  }
  return chunks.length > 0 ? chunks : [''];
}
