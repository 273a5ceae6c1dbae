// Recorded from opencode 1.18.33: `opencode serve`, the classic API (`/session…`, `GET /event`).
/**
 * Loose schemas of what the provider reads from opencode's server: the `/event` bus and a few
 * responses. Tolerant readers: unknown fields pass through, unknown event and part types are
 * skipped by the decoder, and fields the decoder can do without are optional.
 */
import { z } from 'zod';

/** Every `data:` of `GET /event`: `{ id, type, properties }` (no SSE `event:` field is sent). */
export const opencodeEventSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string(),
  properties: z.looseObject({}).optional(),
});
export type OpencodeEvent = z.infer<typeof opencodeEventSchema>;

const tokensSchema = z.looseObject({
  input: z.number().optional(),
  output: z.number().optional(),
  reasoning: z.number().optional(),
  cache: z.looseObject({ read: z.number().optional(), write: z.number().optional() }).optional(),
});
export type OpencodeTokens = z.infer<typeof tokensSchema>;

/** A session or message error: `{ name: 'APIError' | 'MessageAbortedError' | …, data }`. */
export const opencodeErrorSchema = z.looseObject({
  name: z.string(),
  data: z
    .looseObject({
      message: z.string().optional(),
      statusCode: z.number().optional(),
      isRetryable: z.boolean().optional(),
      responseBody: z.string().optional(),
      providerID: z.string().optional(),
    })
    .optional(),
});
export type OpencodeError = z.infer<typeof opencodeErrorSchema>;

/** `message.updated` `info`: a user or assistant message. */
export const opencodeMessageSchema = z.looseObject({
  id: z.string(),
  sessionID: z.string(),
  role: z.string(),
  parentID: z.string().optional(),
  providerID: z.string().optional(),
  modelID: z.string().optional(),
  /** `stop`, `tool-calls`, `length`…, once the step ended. */
  finish: z.string().optional(),
  error: opencodeErrorSchema.optional(),
  time: z.looseObject({ created: z.number().optional(), completed: z.number().optional() }),
});

export const opencodeToolStateSchema = z.looseObject({
  /** `pending | running | completed | error`. */
  status: z.string(),
  input: z.unknown().optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  title: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type OpencodeToolState = z.infer<typeof opencodeToolStateSchema>;

/** `message.part.updated` `part`. */
export const opencodePartSchema = z.looseObject({
  id: z.string(),
  messageID: z.string(),
  sessionID: z.string(),
  /** `text | reasoning | tool | step-start | step-finish | patch | file | agent | …`. */
  type: z.string(),
  text: z.string().optional(),
  synthetic: z.boolean().optional(),
  ignored: z.boolean().optional(),
  time: z.looseObject({ start: z.number().optional(), end: z.number().optional() }).optional(),
  tool: z.string().optional(),
  callID: z.string().optional(),
  state: opencodeToolStateSchema.optional(),
  reason: z.string().optional(),
  tokens: tokensSchema.optional(),
  cost: z.number().optional(),
  /** Of a `patch` part: the absolute paths the step changed. */
  files: z.array(z.string()).optional(),
});
export type OpencodePart = z.infer<typeof opencodePartSchema>;

export const opencodePartDeltaSchema = z.looseObject({
  sessionID: z.string(),
  messageID: z.string(),
  partID: z.string(),
  /** Always `text`, for reasoning parts too. */
  field: z.string(),
  delta: z.string(),
});

export const opencodeSessionStatusSchema = z.looseObject({
  sessionID: z.string(),
  status: z.looseObject({
    /** `busy | idle | retry`. */
    type: z.string(),
    attempt: z.number().optional(),
    message: z.string().optional(),
  }),
});

/** `permission.asked`: a tool call the rules say to ask about. */
export const opencodePermissionAskedSchema = z.looseObject({
  id: z.string(),
  sessionID: z.string(),
  /** `bash | edit | read | external_directory | doom_loop | webfetch | …`. */
  permission: z.string(),
  patterns: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  tool: z
    .looseObject({ messageID: z.string().optional(), callID: z.string().optional() })
    .optional(),
});
export type OpencodePermissionAsked = z.infer<typeof opencodePermissionAskedSchema>;

/** `question.asked`: the question tool wants the user to choose. */
export const opencodeQuestionAskedSchema = z.looseObject({
  id: z.string(),
  sessionID: z.string(),
  questions: z
    .array(z.looseObject({ question: z.string().optional(), header: z.string().optional() }))
    .optional(),
});
export type OpencodeQuestionAsked = z.infer<typeof opencodeQuestionAskedSchema>;

export const opencodeTodoSchema = z.looseObject({
  content: z.string(),
  /** `pending | in_progress | completed | cancelled`. */
  status: z.string(),
});

/** A session as `POST /session`, `GET /session/:id` and `PATCH /session/:id` answer it. */
export const opencodeSessionSchema = z.looseObject({
  id: z.string(),
  directory: z.string().optional(),
  permission: z
    .array(z.looseObject({ permission: z.string(), pattern: z.string(), action: z.string() }))
    .optional(),
});

/** An error body: `{ name, data: { message } }` or `{ _tag, message }`. */
export const opencodeErrorBodySchema = z.looseObject({
  name: z.string().optional(),
  _tag: z.string().optional(),
  message: z.string().optional(),
  data: z.looseObject({ message: z.string().optional() }).optional(),
});

/** `GET /agent`: the agents and their permission rules. */
export const opencodeAgentsSchema = z.array(
  z.looseObject({
    name: z.string(),
    permission: z
      .array(z.looseObject({ permission: z.string(), pattern: z.string(), action: z.string() }))
      .optional(),
  }),
);

/** `GET /config/providers`: the providers the configuration enables, and their models. */
export const opencodeConfigProvidersSchema = z.looseObject({
  providers: z.array(
    z.looseObject({
      id: z.string(),
      source: z.string().optional(),
      key: z.string().nullish(),
      models: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** `GET /global/health`. */
export const opencodeHealthSchema = z.looseObject({ version: z.string().optional() });
