// Recorded from Gemini CLI 0.61.0: `gemini --prompt=<prompt> -o stream-json`.
/**
 * Loose schemas of the lines the Gemini CLI prints on stdout in stream-json mode. Tolerant
 * readers: unknown fields pass through and unknown line types are skipped by the decoder. Every
 * line also carries a `timestamp`. Thoughts are never printed.
 */
import { z } from 'zod';

/** The first line: the session (ours when we passed `--session-id`) and the model. */
const initLineSchema = z.looseObject({
  type: z.literal('init'),
  session_id: z.string().optional(),
  model: z.string().optional(),
});

/** The prompt echoed back (`role: "user"`), or a piece of the answer (`delta: true`). */
const messageLineSchema = z.looseObject({
  type: z.literal('message'),
  role: z.string(),
  content: z.string(),
  delta: z.boolean().optional(),
});

/** A tool call, with `tool_id` as `<tool name>__<the model's call id>`. */
const toolUseLineSchema = z.looseObject({
  type: z.literal('tool_use'),
  tool_name: z.string(),
  tool_id: z.string(),
  parameters: z.unknown().optional(),
});

/**
 * A tool's end. No `output` for a successful write_file or invoke_agent; a failure has
 * `status: "error"` and `error: {type, message}` (e.g. `tool_not_registered` for a tool the
 * approval mode does not offer).
 */
const toolResultLineSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_id: z.string(),
  status: z.string(),
  output: z.string().optional(),
  error: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
});

/** A non-fatal problem the CLI reports during the turn (e.g. a loop detected). */
const errorLineSchema = z.looseObject({
  type: z.literal('error'),
  severity: z.string().optional(),
  message: z.string().optional(),
});

/** Token counts for the whole turn, summed over the models it used. */
export const geminiStatsSchema = z.looseObject({
  total_tokens: z.number().optional(),
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  cached: z.number().optional(),
  duration_ms: z.number().optional(),
  tool_calls: z.number().optional(),
  models: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The end of the turn. An API failure is `status: "error"` with `error.message`
 * `[API Error: …]`, and the process then exits with the HTTP status mod 256 (400 → 144).
 */
const resultLineSchema = z.looseObject({
  type: z.literal('result'),
  status: z.string(),
  error: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
  stats: geminiStatsSchema.optional(),
});

export const geminiLineSchema = z.discriminatedUnion('type', [
  initLineSchema,
  messageLineSchema,
  toolUseLineSchema,
  toolResultLineSchema,
  errorLineSchema,
  resultLineSchema,
]);

export type GeminiLine = z.infer<typeof geminiLineSchema>;
export type GeminiResultLine = z.infer<typeof resultLineSchema>;
export type GeminiToolResultLine = z.infer<typeof toolResultLineSchema>;
export type GeminiStats = z.infer<typeof geminiStatsSchema>;

const knownLineTypes: ReadonlySet<unknown> = new Set([
  'init',
  'message',
  'tool_use',
  'tool_result',
  'error',
  'result',
]);

/** Whether a parsed JSON value is a line type this schema describes (others are skipped). */
export function isKnownGeminiLine(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return knownLineTypes.has((value as { type?: unknown }).type);
}
