import type { AgentEvent } from '../../events/index.js';
import { toAgentError, type AgentError } from '../../errors/index.js';
import type { AgentProvider, ProviderRunRequest } from '../agent-provider.js';
import { requireBinary } from '../kit/binary-discovery.js';
import { whenAborted } from '../kit/when-aborted.js';
import { describeInstance, type ProviderIdentity } from '../provider-definition.js';
import { noWarmProcesses, type ProviderContext } from '../warm-settings.js';
import { buildCodexArgs, buildCodexThreadRequest, buildCodexTurnParams } from './codex-args.js';
import { codexBinary } from './codex-binary.js';
import { codexDefinition, type CodexSettings } from './codex-definition.js';
import { buildCodexEnvironment } from './codex-environment.js';
import { probeCodex } from './codex-probe.js';
import type * as CodexRunModuleExports from './codex-run-modules.js';
import { createCodexServerPool, type CodexServerPool } from './codex-server-pool.js';

type CodexRunModules = typeof CodexRunModuleExports;
let runModules: CodexRunModules | undefined;
let runModulesLoading: Promise<CodexRunModules> | undefined;
const loadRunModules = (): Promise<CodexRunModules> =>
  (runModulesLoading ??= import('./codex-run-modules.js').then((loaded) => (runModules = loaded)));

// turn/interrupt is answered in ~10 ms and turn/completed follows within ~20 ms.
const interruptGraceMs = 2000;
// Starting a thread also starts the user's MCP servers.
const threadTimeoutMs = 120_000;
const turnStartTimeoutMs = 30_000;

/** The Codex adapter with its app-servers (warm ones shared by runs; see codex-server-pool.ts). */
export interface CodexProvider extends AgentProvider {
  readonly servers: CodexServerPool;
  warmProcesses(): number;
  dispose(): Promise<void>;
}

/**
 * The Codex adapter: `codex app-server` spoken to over JSON-RPC, each run on a thread of its
 * own — on a warm app-server shared with other runs (`context.warm`), or on one started for it.
 */
export function createCodexProvider(
  settings: CodexSettings = {},
  identity: ProviderIdentity = codexDefinition,
  context: ProviderContext = { warm: noWarmProcesses },
): CodexProvider {
  const approvals = settings.approvals ?? 'decline';
  const servers = createCodexServerPool({
    warm: context.warm,
    // Server requests come from a thread, and a run loads these before it starts one; a reply
    // that throws is sent as an error.
    answer: (serverRequest) => {
      if (runModules === undefined) throw new Error('The codex run modules are not loaded.');
      return runModules.answerCodexServerRequest(serverRequest, approvals);
    },
  });
  return {
    ...describeInstance(codexDefinition, identity),
    warm: context.warm,
    servers,
    probe: (options) => probeCodex(settings, options?.signal),
    run: (request) => runCodex(settings, identity.id, servers, request),
    warmProcesses: () => servers.warmProcesses(),
    dispose: () => servers.dispose(),
  };
}

async function* runCodex(
  settings: CodexSettings,
  providerId: string,
  servers: CodexServerPool,
  request: ProviderRunRequest,
): AsyncGenerator<AgentEvent, void, undefined> {
  const environment = buildCodexEnvironment(request.environment, settings.env, request.cwd);
  const binary = requireBinary(codexBinary, { configuredBinary: settings.binary, environment });

  // Loads while the app-server is spawned (and, on a first run, boots).
  const loading = loadRunModules();
  // Awaited below, unless the acquire fails first.
  loading.catch(() => undefined);
  const lease = await servers.acquire({
    binary,
    args: buildCodexArgs(settings.extraArgs),
    cwd: request.cwd,
    env: environment,
  });
  const { server, channel } = lease;
  let modules: CodexRunModules;
  try {
    modules = await loading;
  } catch (error) {
    await lease.release({ retire: true });
    throw error;
  }
  const { createCodexDecoder, codexThreadResultSchema, codexTurnResultSchema } = modules;
  const decoder = createCodexDecoder({ cwd: request.cwd, provider: providerId });
  const session: { threadId?: string; turnId?: string } = {};
  let aborted: { reason: unknown } | undefined;
  let failure: AgentError | undefined;
  let interruptTimer: NodeJS.Timeout | undefined;

  // Leaving the run: an abort, a turn left unfinished or a failure other than a refusal (a
  // timeout, a crash) retires a shared server (it stops once its other runs have ended), so a
  // cancelled run leaves no process and no later run meets a broken server.
  const leave = (): Promise<boolean> =>
    lease.release({
      retire:
        aborted !== undefined ||
        !decoder.isSettled ||
        (failure !== undefined && failure.code !== 'agent_error'),
    });

  const interrupt = (): void => {
    if (aborted) return;
    aborted = { reason: request.signal.reason };
    const { threadId, turnId } = session;
    if (threadId === undefined || turnId === undefined) {
      // No turn to interrupt yet: leaving is the interrupt.
      void leave();
      return;
    }
    // The thread stays resumable: Codex ends the turn as `interrupted` and records it.
    channel
      .request('turn/interrupt', { threadId, turnId }, { timeoutMs: interruptGraceMs })
      .catch(() => undefined);
    interruptTimer = setTimeout(() => void leave(), interruptGraceMs);
  };

  // The turn starts once the consumer has taken the run-start (the session is recorded, the
  // client told): on a warm server the model is asked within milliseconds otherwise.
  let runStartTaken: () => void = () => undefined;
  const runStartWasTaken = new Promise<void>((resolve) => (runStartTaken = resolve));

  const drive = async (): Promise<void> => {
    await lease.ready;
    const thread = buildCodexThreadRequest({
      cwd: request.cwd,
      permissions: request.permissions,
      model: request.model,
      instructions: request.instructions,
      resumeThreadId: request.resumeNativeSessionId,
    });
    const threadResult = codexThreadResultSchema.parse(
      await lease.startThread(thread.method, thread.params, { timeoutMs: threadTimeoutMs }),
    );
    session.threadId = threadResult.thread.id;
    await runStartWasTaken;
    const turnResult = codexTurnResultSchema.parse(
      await channel.request('turn/start', buildCodexTurnParams(session.threadId, request.prompt), {
        timeoutMs: turnStartTimeoutMs,
      }),
    );
    session.turnId = turnResult.turn.id;
  };

  const stopListening = whenAborted(request.signal, interrupt);
  const driving = drive().catch((error: unknown) => {
    // A refusal is in the transcript, where the decoder reads it; a timeout or a crash is not.
    if (aborted) return;
    failure = toAgentError(error, 'agent_crashed');
    // After the lines already received reach the decoder (microtasks): a refusal among them.
    setImmediate(() => void leave());
  });

  try {
    for await (const entry of channel.entries) {
      for (const event of decoder.push(entry)) {
        yield event;
        if (event.type === 'run-start') runStartTaken();
      }
      if (decoder.isSettled) break;
    }
    runStartTaken();
    clearTimeout(interruptTimer);
    const stopped = await leave();
    // Left by an abort, a request may still wait for a shared server's answer.
    if (!aborted) await driving;
    const exit = stopped ? await server.child.finished : stillRunning;
    yield* decoder.flush({ ...exit, stderrTail: server.stderrTail(), aborted, failure });
  } finally {
    runStartTaken();
    stopListening();
    clearTimeout(interruptTimer);
    // Also reached when the consumer stops early: the turn must not outlive its run.
    const { threadId, turnId } = session;
    if (!decoder.isSettled && !aborted && threadId !== undefined && turnId !== undefined) {
      channel.request('turn/interrupt', { threadId, turnId }).catch(() => undefined);
    }
    await leave();
  }
}

// How a run that leaves a warm server running reports the process: it has not exited.
const stillRunning = { exitCode: null, signal: null };
