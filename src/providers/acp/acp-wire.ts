/**
 * Loose schemas of the ACP v1 messages we read, as sent by gemini-cli 0.61.0, opencode 1.18.33,
 * claude-agent-acp 0.101.0 and codex-acp 2.6.0. Tolerant: agents add fields (and `_meta`) every
 * release; only what the decoder reads is checked.
 */
import { z } from 'zod';

export const acpMessageSchema = z
  .looseObject({
    id: z.union([z.string(), z.number()]).nullish(),
    method: z.string().optional(),
    params: z.unknown().optional(),
    result: z.unknown().optional(),
    error: z.unknown().optional(),
  })
  .refine(
    (message) => message.method !== undefined || 'id' in message,
    'neither a method nor an id',
  );

export const acpRpcErrorSchema = z.looseObject({
  code: z.number(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type AcpRpcError = z.infer<typeof acpRpcErrorSchema>;

const contentBlockSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

/** `content` entries of a tool call: plain content, a diff, or a terminal. */
export const acpToolContentSchema = z.looseObject({
  type: z.string(),
  content: contentBlockSchema.optional(),
  path: z.string().optional(),
  oldText: z.string().nullish(),
  newText: z.string().optional(),
  terminalId: z.string().optional(),
});
export type AcpToolContent = z.infer<typeof acpToolContentSchema>;

export const acpToolCallSchema = z.looseObject({
  toolCallId: z.string(),
  title: z.string().nullish(),
  kind: z.string().nullish(),
  status: z.string().nullish(),
  rawInput: z.unknown().optional(),
  rawOutput: z.unknown().optional(),
  content: z.array(acpToolContentSchema).nullish(),
  locations: z.array(z.looseObject({ path: z.string() })).nullish(),
  /** claude-agent-acp and codex-acp name the tool (`Bash`, `exec_command`). */
  name: z.string().optional(),
});
export type AcpToolCall = z.infer<typeof acpToolCallSchema>;

export const acpUpdateSchema = z.looseObject({ sessionUpdate: z.string() });

export const acpChunkSchema = z.looseObject({
  sessionUpdate: z.string(),
  content: contentBlockSchema,
  messageId: z.string().nullish(),
});

export const acpPlanSchema = z.looseObject({
  entries: z.array(z.looseObject({ content: z.string(), status: z.string() })),
});

export const acpSessionNotificationSchema = z.looseObject({
  sessionId: z.string(),
  update: acpUpdateSchema,
});

export const acpPermissionRequestSchema = z.looseObject({
  sessionId: z.string(),
  toolCall: acpToolCallSchema.partial({ toolCallId: true }),
  options: z.array(z.looseObject({ optionId: z.string(), kind: z.string(), name: z.string() })),
});
export type AcpPermissionRequest = z.infer<typeof acpPermissionRequestSchema>;

export const acpPermissionOutcomeSchema = z.looseObject({
  outcome: z.looseObject({ outcome: z.string(), optionId: z.string().optional() }),
});

/** Token counts as agents report them on the prompt result (`usage`, unstable in ACP v1). */
const acpTurnUsageSchema = z.looseObject({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cachedReadTokens: z.number().nullish(),
  thoughtTokens: z.number().nullish(),
});

export const acpPromptResultSchema = z.looseObject({
  stopReason: z.string(),
  usage: acpTurnUsageSchema.nullish(),
  /** Gemini's `_meta.quota.token_count` ({input_tokens, output_tokens}). */
  _meta: z
    .looseObject({
      quota: z
        .looseObject({
          token_count: z
            .looseObject({
              input_tokens: z.number().optional(),
              output_tokens: z.number().optional(),
            })
            .nullish(),
        })
        .optional(),
    })
    .nullish(),
});
export type AcpPromptResult = z.infer<typeof acpPromptResultSchema>;

export const acpSessionResultSchema = z.looseObject({
  sessionId: z.string().optional(),
  models: z.looseObject({ currentModelId: z.string() }).nullish(),
  modes: z
    .looseObject({
      currentModeId: z.string(),
      availableModes: z.array(z.looseObject({ id: z.string() })),
    })
    .nullish(),
});

export const acpUsageUpdateSchema = z.looseObject({
  cost: z.looseObject({ amount: z.number(), currency: z.string() }).nullish(),
});

export const acpInitializeResultSchema = z.looseObject({
  protocolVersion: z.number(),
  agentCapabilities: z
    .looseObject({
      loadSession: z.boolean().optional(),
      sessionCapabilities: z.looseObject({ resume: z.unknown().optional() }).nullish(),
    })
    .optional(),
  agentInfo: z.looseObject({ name: z.string(), version: z.string() }).nullish(),
  authMethods: z.array(z.looseObject({ id: z.string() })).optional(),
});
export type AcpInitializeResult = z.infer<typeof acpInitializeResultSchema>;
