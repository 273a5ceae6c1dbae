import type { z } from 'zod';
import type { AgentEventOf } from '../../events/index.js';
import { truncate } from './truncate-text.js';

/** How a CLI that prints one JSON value per stdout line is read. */
export interface JsonLineReader<Line> {
  /** The agent's name in warnings, e.g. `Claude Code`. */
  agentName: string;
  /** A loose schema of the lines it describes. */
  schema: z.ZodType<Line>;
  /** Whether a parsed value is a line the schema describes; others (new types) are skipped. */
  isKnown(value: unknown): boolean;
}

/**
 * One stdout line read: the parsed line, or a warning for a line that is not JSON or does not
 * fit its schema (with the line itself, shortened, as `notJson` when it is not JSON);
 * `undefined` for a blank line or one of a type the schema does not describe. Never throws.
 */
export function readJsonLine<Line>(
  text: string,
  reader: JsonLineReader<Line>,
): { line: Line } | { warning: AgentEventOf<'warning'>; notJson?: string } | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const warn = (message: string) => ({ warning: { type: 'warning' as const, message } });
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    const notJson = truncate(trimmed, 200);
    return { ...warn(`${reader.agentName} printed a line that is not JSON: ${notJson}`), notJson };
  }
  if (!reader.isKnown(value)) return undefined;
  const parsed = reader.schema.safeParse(value);
  if (parsed.success) return { line: parsed.data };
  const kind = String((value as { type?: unknown }).type);
  const problem = truncate(parsed.error.message, 300);
  return warn(`Could not read a ${reader.agentName} "${kind}" line: ${problem}`);
}
