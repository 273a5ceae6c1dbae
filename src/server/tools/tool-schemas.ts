/**
 * Input and output schemas of the tools: the three ARCHITECTURE §2 fixes, plus `background`
 * and the tools that wait for and cancel background runs (docs/background-runs.md).
 */
import { z } from 'zod';
import { permissionsSchema, runStatusSchema } from '../../events/run-enums.js';

const permissionsField = permissionsSchema.describe(
  'What the sub-agent may do: read-only (no edits), workspace-write (edit files in cwd), full-access. Default from server config.',
);
const timeoutField = z
  .number()
  .positive()
  .describe('Wall-clock bound for this run in seconds, capped by the server maximum.');
const backgroundField = z
  .boolean()
  .optional()
  .describe(
    'true: answer at once with session_id and status "running" while the run goes on; collect the result with wait_agent, stop it with cancel_agent. Default false (wait for the answer).',
  );

const modelField = z
  .string()
  .min(1)
  .describe("Model to ask the provider for; unknown models are the provider's error.");

export const runAgentInputSchema = z.object({
  prompt: z.string().describe('The task for the sub-agent. Required, non-empty.'),
  provider: z
    .string()
    .optional()
    .describe(
      'claude-code, codex, opencode, gemini or acp:<name>; see list_providers. Default from server config.',
    ),
  cwd: z
    .string()
    .optional()
    .describe(
      'Absolute working directory inside an allowed root. Default: the first allowed root.',
    ),
  model: modelField.optional(),
  permissions: permissionsField.optional(),
  instructions: z.string().optional().describe('Extra system instructions for the sub-agent.'),
  timeout_seconds: timeoutField.optional(),
  background: backgroundField,
});

export const resumeAgentInputSchema = z.object({
  session_id: z.string().describe('The session_id a previous run_agent or resume_agent returned.'),
  prompt: z.string().describe('The next message for the sub-agent. Required, non-empty.'),
  model: modelField.optional(),
  permissions: permissionsField.optional(),
  timeout_seconds: timeoutField.optional(),
  background: backgroundField,
});

/** wait_agent answers at the latest after this long: under the 60 s many clients allow a call. */
export const maxWaitSeconds = 50;
export const defaultWaitSeconds = 30;

const sessionIdField = z
  .string()
  .min(1)
  .describe('The session_id run_agent or resume_agent returned for a background run.');

export const waitAgentInputSchema = z.object({
  session_id: sessionIdField,
  timeout_seconds: z
    .number()
    .positive()
    .max(maxWaitSeconds)
    .optional()
    .describe(
      `How long to wait for the run to end, in seconds (default ${defaultWaitSeconds}, at most ${maxWaitSeconds}).`,
    ),
});

export const cancelAgentInputSchema = z.object({ session_id: sessionIdField });

const usageOutputSchema = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cached_input_tokens: z.number().optional(),
  reasoning_tokens: z.number().optional(),
  cost_usd: z.number().optional(),
});

/** `text` comes first: Claude Code shows only structuredContent when it is present. */
export const runResultSchema = z.object({
  text: z
    .string()
    .describe(
      "The sub-agent's final answer for this turn; while a background run goes on, what it did lately.",
    ),
  status: runStatusSchema
    .or(z.literal('running'))
    .describe(
      'running: a background run still going on (call wait_agent with session_id); otherwise how the run ended.',
    ),
  session_id: z.string().optional().describe('Pass to resume_agent to continue this session.'),
  provider: z.string(),
  model: z.string().optional().describe('The model the agent reports having used.'),
  requested_model: z
    .string()
    .optional()
    .describe(
      'Only when the agent reported a model other than the one asked for (not an alias of it): the model asked for.',
    ),
  usage: usageOutputSchema.optional(),
  duration_ms: z.number(),
  tool_calls: z.number(),
  files_changed: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  text_truncated: z
    .boolean()
    .optional()
    .describe(
      'Only when the answer was longer than the server returns: text holds its beginning and end, record_uri the whole of it.',
    ),
  record_uri: z
    .string()
    .optional()
    .describe(
      "This run's record (an MCP resource, JSON lines): every event of the run and the whole answer. Read it with resources/read.",
    ),
});
export type RunResult = z.infer<typeof runResultSchema>;

export const providerInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  available: z.boolean(),
  version: z.string().optional(),
  auth: z.enum(['ok', 'missing', 'unknown']),
  reason: z.string().optional(),
  capabilities: z.object({
    resume: z.boolean(),
    cancel: z.boolean(),
    permissions: z.boolean(),
    streaming_text: z.boolean(),
  }),
  models: z.array(z.string()).optional(),
  warm_processes: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(
      'Agent processes this provider keeps alive between runs right now (e.g. a warm codex app-server); absent for a provider that keeps none.',
    ),
});

export const listProvidersResultSchema = z.object({
  providers: z.array(providerInfoSchema),
  default_provider: z.string(),
});
export type ListProvidersResult = z.infer<typeof listProvidersResultSchema>;
