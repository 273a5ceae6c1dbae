// Recorded from Claude Code 2.1.332: `claude -p --output-format stream-json --verbose --include-partial-messages`.
/**
 * Loose schemas of the lines Claude Code prints on stdout. Tolerant readers: unknown fields
 * pass through, unknown line types are skipped by the decoder, and unknown content blocks or
 * stream payloads inside a known line read as `null` instead of failing the whole line.
 */
import { z } from 'zod';

/** Token counts as Claude Code reports them (Anthropic Messages `usage`). */
export const claudeCodeUsageSchema = z.looseObject({
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

const systemInitLineSchema = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('init'),
  session_id: z.string(),
  cwd: z.string().optional(),
  model: z.string().optional(),
  claude_code_version: z.string().optional(),
  permissionMode: z.string().optional(),
  tools: z.array(z.string()).optional(),
});

const systemStatusLineSchema = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('status'),
  status: z.string().nullish(),
});

/** One per retry of a failed model request, before the retry's delay. */
const systemApiRetryLineSchema = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('api_retry'),
  attempt: z.number(),
  max_retries: z.number(),
  retry_delay_ms: z.number().optional(),
  error_status: z.number().nullish(),
  error: z.string().nullish(),
});

const systemThinkingTokensLineSchema = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('thinking_tokens'),
  estimated_tokens: z.number().optional(),
});

const systemLineSchema = z.discriminatedUnion('subtype', [
  systemInitLineSchema,
  systemStatusLineSchema,
  systemApiRetryLineSchema,
  systemThinkingTokensLineSchema,
]);

const streamDeltaSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
  z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() }),
  z.looseObject({ type: z.literal('signature_delta'), signature: z.string() }),
  z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
]);

/** The raw Anthropic SSE payload that `stream_event` wraps. */
const streamEventPayloadSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message_start'),
    message: z.looseObject({ id: z.string(), model: z.string().optional() }),
  }),
  z.looseObject({
    type: z.literal('content_block_start'),
    index: z.number(),
    content_block: z.looseObject({ type: z.string() }),
  }),
  z.looseObject({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: streamDeltaSchema.nullable().catch(null),
  }),
  z.looseObject({ type: z.literal('content_block_stop'), index: z.number() }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: z.string().nullish() }).optional(),
    usage: claudeCodeUsageSchema.nullish(),
  }),
  z.looseObject({ type: z.literal('message_stop') }),
]);

const streamEventLineSchema = z.looseObject({
  type: z.literal('stream_event'),
  event: streamEventPayloadSchema.nullable().catch(null),
  parent_tool_use_id: z.string().nullish(),
});

const assistantContentBlockSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string() }),
  z.looseObject({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
  }),
]);

/**
 * One finished content block of a model message (Claude Code prints each block as its own
 * `assistant` line, all with the same `message.id`). API failures arrive as a message with
 * model `<synthetic>` and a top-level `error`.
 */
const assistantLineSchema = z.looseObject({
  type: z.literal('assistant'),
  message: z.looseObject({
    id: z.string().optional(),
    model: z.string().optional(),
    content: z.array(assistantContentBlockSchema.nullable().catch(null)),
  }),
  parent_tool_use_id: z.string().nullish(),
  error: z.string().nullish(),
});

const toolResultContentSchema = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
]);

const userContentBlockSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: toolResultContentSchema.nullish(),
    is_error: z.boolean().nullish(),
  }),
  z.looseObject({ type: z.literal('text'), text: z.string() }),
]);

/**
 * Tool results (and interruption notes) fed back to the model. `tool_use_result` is the
 * tool's own structured output: for Write `{ type: 'create' | 'update', filePath, … }`, for
 * Bash `{ stdout, stderr, … }`, or a string `Error: …` when the tool failed.
 */
const userLineSchema = z.looseObject({
  type: z.literal('user'),
  message: z.looseObject({
    content: z.union([z.string(), z.array(userContentBlockSchema.nullable().catch(null))]),
  }),
  parent_tool_use_id: z.string().nullish(),
  tool_use_result: z.unknown().optional(),
});

/** The end of the turn. `subtype: 'success'` also covers API errors (then `is_error: true`). */
const resultLineSchema = z.looseObject({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean().optional(),
  result: z.string().optional(),
  session_id: z.string().optional(),
  api_error_status: z.number().nullish(),
  stop_reason: z.string().nullish(),
  terminal_reason: z.string().nullish(),
  total_cost_usd: z.number().nullish(),
  usage: claudeCodeUsageSchema.nullish(),
  modelUsage: z.record(z.string(), z.unknown()).nullish(),
  errors: z.array(z.string()).nullish(),
  permission_denials: z
    .array(
      z.looseObject({
        tool_name: z.string(),
        tool_use_id: z.string().optional(),
        tool_input: z.unknown().optional(),
      }),
    )
    .nullish(),
});

/** The answer to a stdin control request (stream-json input mode only). */
const controlResponseLineSchema = z.looseObject({
  type: z.literal('control_response'),
  response: z.looseObject({ subtype: z.string(), request_id: z.string().optional() }),
});

export const claudeCodeLineSchema = z.discriminatedUnion('type', [
  systemLineSchema,
  streamEventLineSchema,
  assistantLineSchema,
  userLineSchema,
  resultLineSchema,
  controlResponseLineSchema,
]);

export type ClaudeCodeLine = z.infer<typeof claudeCodeLineSchema>;
export type ClaudeCodeUsage = z.infer<typeof claudeCodeUsageSchema>;
export type ClaudeCodeResultLine = z.infer<typeof resultLineSchema>;
export type ClaudeCodeAssistantLine = z.infer<typeof assistantLineSchema>;
export type ClaudeCodeUserLine = z.infer<typeof userLineSchema>;
export type ClaudeCodeStreamPayload = z.infer<typeof streamEventPayloadSchema>;

const knownSystemSubtypes: ReadonlySet<unknown> = new Set([
  'init',
  'status',
  'api_retry',
  'thinking_tokens',
]);
const knownLineTypes: ReadonlySet<unknown> = new Set([
  'system',
  'stream_event',
  'assistant',
  'user',
  'result',
  'control_response',
]);

/**
 * Whether a parsed JSON value is a line type this schema describes. Other lines (new
 * types, other system subtypes such as hook or compaction notices) are skipped, not errors.
 */
export function isKnownClaudeCodeLine(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, subtype } = value as { type?: unknown; subtype?: unknown };
  return knownLineTypes.has(type) && (type !== 'system' || knownSystemSubtypes.has(subtype));
}
