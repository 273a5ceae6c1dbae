import { setTimeout as delay } from 'node:timers/promises';
import { AgentError } from '../../errors/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import type { AcpAgentRecipe } from './acp-agent-recipe.js';
import { buildAcpInitializeParams, buildAcpPrompt, chooseAcpSessionMode } from './acp-args.js';
import type { AcpConnection } from './acp-connection.js';
import { guardAcpResume } from './acp-resume-guard.js';
import {
  acpInitializeResultSchema,
  acpSessionResultSchema,
  type AcpInitializeResult,
} from './acp-wire.js';

// Cold starts measured: opencode ~7 s, Gemini ~3 s; a busy machine takes longer.
const initializeTimeoutMs = 60_000;
// Creating a session also starts the user's MCP servers (and claude-agent-acp its CLI).
const sessionTimeoutMs = 120_000;
// Gemini streams the replayed history right after its session/load answer.
const replayQuietMs = 300;
const replayBoundMs = 5000;

export interface AcpTurnOptions {
  connection: AcpConnection;
  recipe: AcpAgentRecipe;
  request: ProviderRunRequest;
  clientVersion: string;
  onSession(sessionId: string): void;
  onInitialized(advertised: { resume: boolean }): void;
  isAborted(): boolean;
}

/** What `initialize` says the agent can do for `resume_agent`. */
export function resumeMethodOf(
  init: AcpInitializeResult,
): 'session/resume' | 'session/load' | undefined {
  const capabilities = init.agentCapabilities;
  if (capabilities?.sessionCapabilities?.resume != null) return 'session/resume';
  return capabilities?.loadSession ? 'session/load' : undefined;
}

/**
 * initialize → session/new (or resume/load) → mode and model → session/prompt. Requests the
 * agent refuses reject here and are read from the transcript by the decoder.
 */
export async function driveAcpTurn(options: AcpTurnOptions): Promise<void> {
  const { connection, recipe, request } = options;
  const { agent } = connection;
  const init = acpInitializeResultSchema.parse(
    await bounded(
      agent.request(
        'initialize',
        buildAcpInitializeParams({
          readTextFile: recipe.readTextFile,
          version: options.clientVersion,
        }),
      ),
      initializeTimeoutMs,
      'initialize',
    ),
  );
  const resumeMethod = resumeMethodOf(init);
  options.onInitialized({ resume: resumeMethod !== undefined });
  const sessionRequest = { cwd: request.cwd, mcpServers: [] };
  const resumeId = request.resumeNativeSessionId;
  let answer: unknown;
  if (resumeId === undefined) {
    answer = await bounded(
      agent.request('session/new', sessionRequest),
      sessionTimeoutMs,
      'session/new',
    );
  } else {
    if (resumeMethod === undefined) {
      throw new AgentError(
        'agent_error',
        `acp:${recipe.name} cannot resume a session: its initialize advertises neither session/load nor session/resume.`,
      );
    }
    options.onSession(resumeId);
    if (resumeMethod === 'session/load') {
      await guardAcpResume({
        recipe,
        sessionId: resumeId,
        environment: request.environment,
        note: connection.note,
        signal: request.signal,
      });
    }
    answer = await bounded(
      agent.request<unknown>(resumeMethod, { ...sessionRequest, sessionId: resumeId }),
      sessionTimeoutMs,
      resumeMethod,
    );
    if (resumeMethod === 'session/load') await waitForQuiet(connection);
  }
  const session = acpSessionResultSchema.parse(answer ?? {});
  const sessionId = session.sessionId ?? resumeId;
  if (sessionId === undefined)
    throw new AgentError('agent_crashed', 'session/new answered without a sessionId.');
  options.onSession(sessionId);
  if (options.isAborted()) return;

  const modeId = chooseAcpSessionMode(recipe.modes, request.permissions, session.modes);
  if (modeId !== undefined) {
    await agent.request('session/set_mode', { sessionId, modeId }).catch(() => undefined);
  }
  if (request.model !== undefined) await selectModel(connection, sessionId, request.model, answer);
  if (options.isAborted()) return;
  await agent.request('session/prompt', {
    sessionId,
    prompt: buildAcpPrompt(request.prompt, request.instructions),
  });
}

/**
 * The run's model: through the session's `model` config option where the agent has one
 * (opencode, claude-agent-acp, codex-acp), else `session/set_model` (Gemini's unstable method).
 */
async function selectModel(
  connection: AcpConnection,
  sessionId: string,
  model: string,
  answer: unknown,
): Promise<void> {
  const configOptions = (answer as { configOptions?: unknown } | null)?.configOptions;
  const hasModelOption =
    Array.isArray(configOptions) &&
    configOptions.some((option) => (option as { id?: unknown } | null)?.id === 'model');
  if (hasModelOption) {
    await connection.agent.request('session/set_config_option', {
      sessionId,
      configId: 'model',
      value: model,
    });
    return;
  }
  await connection.agent.request<unknown>('session/set_model', { sessionId, modelId: model });
}

async function bounded<T>(promise: Promise<T>, ms: number, method: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AgentError(
            'agent_crashed',
            `The agent did not answer ${method} within ${ms / 1000} s.`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForQuiet(connection: AcpConnection): Promise<void> {
  const startedAt = performance.now();
  while (performance.now() - startedAt < replayBoundMs) {
    const quietFor = performance.now() - connection.lastReceivedAt();
    if (quietFor >= replayQuietMs) return;
    await delay(replayQuietMs - quietFor);
  }
}
