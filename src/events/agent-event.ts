/**
 * The normalized event vocabulary: every provider adapter turns its CLI's native stream into
 * these events, and the server relays them as MCP progress (`_meta["subagent-mcp/event"]`).
 *
 * Invariants of a run's stream (checked by the provider contract test):
 * - exactly one `run-start`, first; exactly one `run-end`, last;
 * - every `tool-result` answers an earlier `tool-call` with the same `callId`;
 * - every event validates against {@link agentEventSchema}.
 *
 * Fields are camelCase; the MCP boundary converts the tool results to snake_case, while
 * events travel as they are.
 */
import { z } from 'zod';
import { runStatusSchema } from './run-enums.js';

export const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cachedInputTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
  costUsd: z.number().optional(),
});
/** Token counts and cost as the agent reported them (never estimated by us). */
export type Usage = z.infer<typeof usageSchema>;

export const finishReasonSchema = z.object({
  /** Our reading of why the turn ended. */
  unified: z.enum(['stop', 'length', 'tool-calls', 'interrupted', 'error', 'other']),
  /** The provider's own value (e.g. Claude Code's `terminal_reason`), kept for debugging. */
  raw: z.string().optional(),
});
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const runErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
});

/** The run began: the agent process is up and reported its session. */
export const runStartEventSchema = z.object({
  type: z.literal('run-start'),
  provider: z.string(),
  /** Our opaque session id (the one `resume_agent` takes); set by the run executor. */
  sessionId: z.string().optional(),
  /** The agent's own session/thread id. */
  nativeSessionId: z.string().optional(),
  model: z.string().optional(),
  cwd: z.string(),
});

/** A piece of the answer as it streams. Deltas of one block share `blockId` when known. */
export const textDeltaEventSchema = z.object({
  type: z.literal('text-delta'),
  blockId: z.string().optional(),
  delta: z.string(),
});

/** A finished block of answer text; authoritative over the deltas that preceded it. */
export const textEventSchema = z.object({
  type: z.literal('text'),
  blockId: z.string().optional(),
  text: z.string(),
});

/** A piece of the agent's visible reasoning ("thinking"). */
export const reasoningDeltaEventSchema = z.object({
  type: z.literal('reasoning-delta'),
  blockId: z.string().optional(),
  delta: z.string(),
});

/** A finished reasoning block. */
export const reasoningEventSchema = z.object({
  type: z.literal('reasoning'),
  blockId: z.string().optional(),
  text: z.string(),
});

/** The agent invoked a tool (shell, edit, MCP tool…). */
export const toolCallEventSchema = z.object({
  type: z.literal('tool-call'),
  callId: z.string(),
  toolName: z.string(),
  input: z.unknown(),
});

/** A tool finished; answers the `tool-call` with the same `callId`. */
export const toolResultEventSchema = z.object({
  type: z.literal('tool-result'),
  callId: z.string(),
  toolName: z.string(),
  /** Output as text, truncated to a bounded length by the decoder. */
  output: z.string(),
  isError: z.boolean(),
});

/** The agent changed a file (as the agent reports it; paths as reported, usually absolute). */
export const fileChangeEventSchema = z.object({
  type: z.literal('file-change'),
  path: z.string(),
  kind: z.enum(['add', 'update', 'delete', 'unknown']),
});

/** The agent's plan / todo list, whole, each time it changes. */
export const planUpdateEventSchema = z.object({
  type: z.literal('plan-update'),
  entries: z.array(
    z.object({
      content: z.string(),
      status: z.enum(['pending', 'in_progress', 'completed']),
    }),
  ),
});

/**
 * The agent asked for permission beyond what the run's `permissions` allow (a command outside
 * the sandbox, a file change that needs approval…), and subagent-mcp answered it by the
 * configured approval policy. Runs never wait for an answer nobody gives.
 */
export const permissionRequestEventSchema = z.object({
  type: z.literal('permission-request'),
  /** The provider's id for the request or for the item it concerns. */
  requestId: z.string(),
  kind: z.enum(['command', 'file-change', 'tool', 'other']),
  /** What is asked for, in one line: the command, the paths, the tool. */
  subject: z.string(),
  /** Why the agent says it needs it, when it says. */
  reason: z.string().optional(),
  decision: z.enum(['accepted', 'declined']),
});

/** Token usage so far (cumulative for the turn when the agent reports it that way). */
export const usageEventSchema = z.object({
  type: z.literal('usage'),
  usage: usageSchema,
});

/** Something worth showing that does not end the run (a retry, a denied permission, a bad line). */
export const warningEventSchema = z.object({
  type: z.literal('warning'),
  message: z.string(),
});

/** An error the agent reported; the run may still end `completed` if the agent recovered. */
export const errorEventSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
});

/** The run ended. Always last, exactly once. */
export const runEndEventSchema = z.object({
  type: z.literal('run-end'),
  status: runStatusSchema,
  /** The final answer of this turn. */
  text: z.string(),
  finishReason: finishReasonSchema,
  nativeSessionId: z.string().optional(),
  model: z.string().optional(),
  usage: usageSchema.optional(),
  error: runErrorSchema.optional(),
});

export const agentEventSchema = z.discriminatedUnion('type', [
  runStartEventSchema,
  textDeltaEventSchema,
  textEventSchema,
  reasoningDeltaEventSchema,
  reasoningEventSchema,
  toolCallEventSchema,
  toolResultEventSchema,
  fileChangeEventSchema,
  planUpdateEventSchema,
  permissionRequestEventSchema,
  usageEventSchema,
  warningEventSchema,
  errorEventSchema,
  runEndEventSchema,
]);

export type AgentEvent = z.infer<typeof agentEventSchema>;
export type AgentEventType = AgentEvent['type'];
export type AgentEventOf<T extends AgentEventType> = Extract<AgentEvent, { type: T }>;
export type RunStartEvent = AgentEventOf<'run-start'>;
export type RunEndEvent = AgentEventOf<'run-end'>;
