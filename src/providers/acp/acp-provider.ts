import type { AgentEvent } from '../../events/index.js';
import { AgentError, toAgentError } from '../../errors/index.js';
import { readPackageVersion } from '../../package-version.js';
import type { AgentProvider, ProviderCapabilities, ProviderRunRequest } from '../agent-provider.js';
import { buildAcpEnvironment, type AcpAgentRecipe } from './acp-agent-recipe.js';
import { buildAcpCommandLine, chooseAcpPermissionOutcome } from './acp-args.js';
import { readTextFileForAgent, writeTextFileForAgent } from './acp-client-methods.js';
import { startAcpConnection } from './acp-connection.js';
import { createAcpDecoder } from './acp-decoder.js';
import { endAcpProbes, probeAcpAgent } from './acp-probe.js';
import { driveAcpTurn } from './acp-turn.js';
import type { AcpTranscriptEntry } from './acp-transcript.js';

// session/cancel is answered `cancelled` in 5–140 ms by the agents measured.
const cancelGraceMs = 3000;

export interface AcpProviderOptions {
  /** Receives every transcript entry (for scripts/record-transcript.mjs). */
  onTranscript?: (entry: AcpTranscriptEntry) => void;
}

/**
 * One ACP agent as a provider, `acp:<name>`: one agent process per run. `resume` and `cancel`
 * are what the agent's `initialize` advertised, once known (a probe or a run asked).
 */
export function createAcpProvider(
  recipe: AcpAgentRecipe,
  options: AcpProviderOptions = {},
): AgentProvider {
  let capabilities: ProviderCapabilities = {
    resume: true,
    cancel: true,
    permissions: recipe.mapsPermissions,
    streamingText: true,
  };
  const learn = (advertised: { resume: boolean }) => {
    capabilities = { ...capabilities, resume: advertised.resume };
  };
  return {
    id: `acp:${recipe.name}`,
    name: recipe.title,
    get capabilities() {
      return capabilities;
    },
    probe: async (probeOptions) => {
      const probe = await probeAcpAgent(recipe, probeOptions?.signal);
      if (probe.capabilities?.resume !== undefined) learn({ resume: probe.capabilities.resume });
      return { ...probe, capabilities };
    },
    run: (request) => runAcp(recipe, request, { ...options, learn }),
    // Runs end their own process; only a probe still waiting for initialize may be left.
    dispose: endAcpProbes,
  };
}

async function* runAcp(
  recipe: AcpAgentRecipe,
  request: ProviderRunRequest,
  options: AcpProviderOptions & { learn: (advertised: { resume: boolean }) => void },
): AsyncGenerator<AgentEvent, void, undefined> {
  const providerId = `acp:${recipe.name}`;
  const environment = buildAcpEnvironment(recipe, request.environment, request.permissions);
  const located = recipe.locate(environment, []);
  if (located === undefined) throw new AgentError('provider_unavailable', recipe.installHint);
  const access = { cwd: request.cwd, permissions: request.permissions };
  const { command, args } = buildAcpCommandLine(located, recipe, request.cwd);
  const connection = await startAcpConnection({
    command,
    args,
    cwd: request.cwd,
    env: environment,
    exitAfterStdinCloseMs: recipe.exitAfterStdinCloseMs,
    handlers: {
      requestPermission: ({ options: choices }) => ({
        outcome: chooseAcpPermissionOutcome(choices, recipe.approvals),
      }),
      readTextFile: (params) => readTextFileForAgent(access, params),
      writeTextFile: (params) => writeTextFileForAgent(access, params),
    },
  });
  const decoder = createAcpDecoder({ provider: providerId, cwd: request.cwd });
  const turn: { sessionId?: string } = {};
  let aborted: { reason: unknown } | undefined;
  let failure: AgentError | undefined;
  let cancelTimer: NodeJS.Timeout | undefined;

  const cancel = (): void => {
    if (aborted) return;
    aborted = { reason: request.signal.reason };
    if (turn.sessionId === undefined || !decoder.isPrompting || decoder.isSettled) {
      void connection.shutdown();
      return;
    }
    // The session stays resumable: the agent ends the prompt `cancelled` and records it.
    connection.agent.notify('session/cancel', { sessionId: turn.sessionId }).catch(() => undefined);
    cancelTimer = setTimeout(() => void connection.shutdown(), cancelGraceMs);
  };

  request.signal.addEventListener('abort', cancel, { once: true });
  if (request.signal.aborted) cancel();
  const driving = driveAcpTurn({
    connection,
    recipe,
    request,
    clientVersion: readPackageVersion(),
    onSession: (sessionId) => (turn.sessionId = sessionId),
    onInitialized: options.learn,
    isAborted: () => aborted !== undefined,
  }).catch(async (error: unknown) => {
    // A refusal is in the transcript, where the decoder reads it; a closed connection is the
    // process ending, which the outcome describes; a timeout or a guard is neither.
    if (AgentError.is(error) || (!isRpcError(error) && !(await exitsSoon(connection.child)))) {
      failure = toAgentError(error, 'agent_crashed');
    }
    void connection.shutdown();
  });

  try {
    for await (const entry of connection.transcript()) {
      options.onTranscript?.(entry);
      yield* decoder.push(entry);
      if (decoder.isSettled) break;
    }
    clearTimeout(cancelTimer);
    await connection.shutdown();
    await driving;
    const exit = await connection.child.finished;
    yield* decoder.flush({ ...exit, stderrTail: connection.stderrTail(), aborted, failure });
  } finally {
    request.signal.removeEventListener('abort', cancel);
    clearTimeout(cancelTimer);
    // Also reached when the consumer stops early: the agent must not outlive its run.
    await connection.shutdown();
  }
}

async function exitsSoon(child: { exited: Promise<unknown> }): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const soon = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1000)));
  const exited = await Promise.race([child.exited.then(() => true), soon]);
  clearTimeout(timer);
  return exited;
}

function isRpcError(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'number';
}
