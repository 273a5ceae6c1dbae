// Recorded from Codex 0.171.0: `codex app-server` (v2 protocol; `codex app-server generate-ts`).
/**
 * Loose schemas of the app-server messages the decoder reads. Tolerant readers: unknown fields
 * pass through, unknown methods and item types are skipped by the decoder, and fields the
 * decoder can do without are optional.
 */
import { z } from 'zod';

/** Any JSON-RPC message on the pipe (no `jsonrpc` field): request, notification or response. */
export const codexMessageSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  method: z.string().optional(),
  params: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
});
export type CodexMessage = z.infer<typeof codexMessageSchema>;

export const codexRpcErrorSchema = z.looseObject({
  code: z.number().optional(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** `thread/start` and `thread/resume` results. */
export const codexThreadResultSchema = z.looseObject({
  thread: z.looseObject({ id: z.string() }),
  model: z.string().nullish(),
  modelProvider: z.string().nullish(),
});

/** `turn/start` result, and the `turn` of `turn/started` / `turn/completed`. */
export const codexTurnSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  items: z.array(z.unknown()).nullish(),
  error: z.unknown().optional(),
});

/** A turn error, and the `error` of the `error` notification. */
export const codexTurnErrorSchema = z.looseObject({
  message: z.string(),
  /** A string (`internalServerError`…) or an object (`{ httpConnectionFailed: { httpStatusCode } }`). */
  codexErrorInfo: z.unknown().optional(),
  additionalDetails: z.string().nullish(),
});
export type CodexTurnError = z.infer<typeof codexTurnErrorSchema>;

export const codexTurnResultSchema = z.looseObject({ turn: codexTurnSchema });

export const codexTurnCompletedSchema = z.looseObject({
  threadId: z.string(),
  turn: codexTurnSchema,
});

export const codexErrorNotificationSchema = z.looseObject({
  error: codexTurnErrorSchema,
  willRetry: z.boolean(),
  threadId: z.string().nullish(),
  turnId: z.string().nullish(),
});

const fileChangeSchema = z.looseObject({
  path: z.string(),
  /** `{ type: 'add' | 'delete' | 'update', move_path? }`. */
  kind: z.looseObject({ type: z.string(), move_path: z.string().nullish() }).nullish(),
});

const agentMessageItemSchema = z.looseObject({
  type: z.literal('agentMessage'),
  id: z.string(),
  text: z.string(),
  /** `commentary` (a preamble), `partial_answer` or `final_answer`; null from some models. */
  phase: z.string().nullish(),
});
export type CodexAgentMessageItem = z.infer<typeof agentMessageItemSchema>;

const reasoningItemSchema = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string(),
  summary: z.array(z.string()).nullish(),
  content: z.array(z.string()).nullish(),
});

const commandExecutionItemSchema = z.looseObject({
  type: z.literal('commandExecution'),
  id: z.string(),
  command: z.string(),
  cwd: z.string().nullish(),
  /** `inProgress | completed | failed | declined`. */
  status: z.string(),
  aggregatedOutput: z.string().nullish(),
  exitCode: z.number().nullish(),
});

const fileChangeItemSchema = z.looseObject({
  type: z.literal('fileChange'),
  id: z.string(),
  changes: z.array(fileChangeSchema),
  /** `inProgress | completed | failed | declined`. */
  status: z.string(),
});

const mcpToolCallItemSchema = z.looseObject({
  type: z.literal('mcpToolCall'),
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  status: z.string(),
  arguments: z.unknown().optional(),
  result: z.looseObject({ content: z.array(z.unknown()).nullish() }).nullish(),
  error: z.looseObject({ message: z.string() }).nullish(),
});

const dynamicToolCallItemSchema = z.looseObject({
  type: z.literal('dynamicToolCall'),
  id: z.string(),
  tool: z.string(),
  status: z.string(),
  arguments: z.unknown().optional(),
  contentItems: z.array(z.unknown()).nullish(),
  success: z.boolean().nullish(),
});

const webSearchItemSchema = z.looseObject({
  type: z.literal('webSearch'),
  id: z.string(),
  query: z.string().nullish(),
});

const imageViewItemSchema = z.looseObject({
  type: z.literal('imageView'),
  id: z.string(),
  path: z.string(),
});

const collabAgentToolCallItemSchema = z.looseObject({
  type: z.literal('collabAgentToolCall'),
  id: z.string(),
  tool: z.string(),
  status: z.string(),
  prompt: z.string().nullish(),
  receiverThreadIds: z.array(z.string()).nullish(),
});

/** The thread items the decoder maps; any other `type` reads as unknown and is skipped. */
export const codexThreadItemSchema = z.discriminatedUnion('type', [
  agentMessageItemSchema,
  reasoningItemSchema,
  commandExecutionItemSchema,
  fileChangeItemSchema,
  mcpToolCallItemSchema,
  dynamicToolCallItemSchema,
  webSearchItemSchema,
  imageViewItemSchema,
  collabAgentToolCallItemSchema,
]);
export type CodexThreadItem = z.infer<typeof codexThreadItemSchema>;

/** The item types of {@link codexThreadItemSchema}; the others are skipped without a warning. */
export const codexMappedItemTypes: ReadonlySet<string> = new Set(
  codexThreadItemSchema.options.map((option) => option.shape.type.value),
);

export const codexItemNotificationSchema = z.looseObject({
  item: z.looseObject({ type: z.string(), id: z.string() }),
  threadId: z.string().nullish(),
  turnId: z.string().nullish(),
});

export const codexItemDeltaSchema = z.looseObject({
  threadId: z.string().nullish(),
  turnId: z.string().nullish(),
  itemId: z.string(),
  delta: z.string(),
});

export const codexTokenUsageBreakdownSchema = z.looseObject({
  inputTokens: z.number(),
  cachedInputTokens: z.number().nullish(),
  outputTokens: z.number(),
  reasoningOutputTokens: z.number().nullish(),
});
export type CodexTokenUsageBreakdown = z.infer<typeof codexTokenUsageBreakdownSchema>;

export const codexTokenUsageNotificationSchema = z.looseObject({
  threadId: z.string().nullish(),
  turnId: z.string().nullish(),
  tokenUsage: z.looseObject({
    /** Cumulative for the thread (earlier turns included). */
    total: codexTokenUsageBreakdownSchema,
    /** The last model request. */
    last: codexTokenUsageBreakdownSchema,
  }),
});

export const codexPlanUpdatedSchema = z.looseObject({
  threadId: z.string().nullish(),
  turnId: z.string().nullish(),
  plan: z.array(
    z.looseObject({
      step: z.string(),
      /** `pending | inProgress | completed`. */
      status: z.string(),
    }),
  ),
});

/** `warning`, `guardianWarning` (`message`) and `configWarning`, `deprecationNotice` (`summary`). */
export const codexWarningSchema = z.looseObject({
  threadId: z.string().nullish(),
  message: z.string().optional(),
  summary: z.string().optional(),
  details: z.string().nullish(),
});

export const codexModelReroutedSchema = z.looseObject({
  fromModel: z.string(),
  toModel: z.string(),
  reason: z.unknown().optional(),
});

export const codexCommandApprovalSchema = z.looseObject({
  itemId: z.string().optional(),
  approvalId: z.string().nullish(),
  command: z.string().nullish(),
  reason: z.string().nullish(),
});

export const codexFileChangeApprovalSchema = z.looseObject({
  itemId: z.string().optional(),
  reason: z.string().nullish(),
  grantRoot: z.string().nullish(),
});

export const codexPermissionsApprovalSchema = z.looseObject({
  itemId: z.string().optional(),
  reason: z.string().nullish(),
  permissions: z
    .looseObject({
      network: z.looseObject({ enabled: z.boolean().nullish() }).nullish(),
      fileSystem: z
        .looseObject({
          read: z.array(z.string()).nullish(),
          write: z.array(z.string()).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

/** The v1 approvals (`execCommandApproval`, `applyPatchApproval`), still in 0.171.0's schema. */
export const codexLegacyApprovalSchema = z.looseObject({
  callId: z.string().optional(),
  command: z.array(z.string()).nullish(),
  fileChanges: z.record(z.string(), z.unknown()).nullish(),
  reason: z.string().nullish(),
});

export const codexElicitationSchema = z.looseObject({
  serverName: z.string().optional(),
  mode: z.string().optional(),
  message: z.string().optional(),
  requestedSchema: z.unknown().optional(),
});
