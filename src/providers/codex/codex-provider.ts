import type { AgentEvent } from '../../events/index.js';
import { toAgentError, type AgentError } from '../../errors/index.js';
import { readPackageVersion } from '../../package-version.js';
import type { AgentProvider, ProviderRunRequest } from '../agent-provider.js';
import { requireBinary } from '../kit/binary-discovery.js';
import { whenAborted } from '../kit/when-aborted.js';
import { describeInstance, type ProviderIdentity } from '../provider-definition.js';
import { answerCodexServerRequest } from './codex-approvals.js';
import { startCodexAppServer } from './codex-app-server-process.js';
import {
  buildCodexArgs,
  buildCodexInitializeParams,
  buildCodexThreadRequest,
  buildCodexTurnParams,
} from './codex-args.js';
import { codexBinary } from './codex-binary.js';
import { createCodexDecoder } from './codex-decoder.js';
import { codexDefinition, type CodexSettings } from './codex-definition.js';
import { buildCodexEnvironment } from './codex-environment.js';
import { probeCodex } from './codex-probe.js';
import { codexThreadResultSchema, codexTurnResultSchema } from './codex-wire.js';

// turn/interrupt is answered in ~10 ms and turn/completed follows within ~20 ms.
const interruptGraceMs = 2000;
const initializeTimeoutMs = 30_000;
// Starting a thread also starts the user's MCP servers.
const threadTimeoutMs = 120_000;
const turnStartTimeoutMs = 30_000;

/** The Codex adapter: one `codex app-server` process per turn, spoken to over JSON-RPC. */
export function createCodexProvider(
  settings: CodexSettings = {},
  identity: ProviderIdentity = codexDefinition,
): AgentProvider {
  return {
    ...describeInstance(codexDefinition, identity),
    probe: (options) => probeCodex(settings, options?.signal),
    run: (request) => runCodex(settings, identity.id, request),
  };
}

async function* runCodex(
  settings: CodexSettings,
  providerId: string,
  request: ProviderRunRequest,
): AsyncGenerator<AgentEvent, void, undefined> {
  const environment = buildCodexEnvironment(request.environment, settings.env, request.cwd);
  const binary = requireBinary(codexBinary, { configuredBinary: settings.binary, environment });

  const approvals = settings.approvals ?? 'decline';
  const server = await startCodexAppServer({
    binary,
    args: buildCodexArgs(settings.extraArgs),
    cwd: request.cwd,
    env: environment,
    answer: (serverRequest) => answerCodexServerRequest(serverRequest, approvals),
  });
  const { client, child } = server;
  const decoder = createCodexDecoder({ cwd: request.cwd, provider: providerId });
  const session: { threadId?: string; turnId?: string } = {};
  let aborted: { reason: unknown } | undefined;
  let failure: AgentError | undefined;
  let interruptTimer: NodeJS.Timeout | undefined;

  const interrupt = (): void => {
    if (aborted) return;
    aborted = { reason: request.signal.reason };
    const { threadId, turnId } = session;
    if (threadId === undefined || turnId === undefined) {
      // No turn to interrupt yet: ending the process is the interrupt.
      void server.shutdown();
      return;
    }
    // The thread stays resumable: Codex ends the turn as `interrupted` and records it.
    client
      .request('turn/interrupt', { threadId, turnId }, { timeoutMs: interruptGraceMs })
      .catch(() => undefined);
    interruptTimer = setTimeout(() => void server.shutdown(), interruptGraceMs);
  };

  const drive = async (): Promise<void> => {
    await client.request('initialize', buildCodexInitializeParams(readPackageVersion()), {
      timeoutMs: initializeTimeoutMs,
    });
    client.notify('initialized');
    const thread = buildCodexThreadRequest({
      cwd: request.cwd,
      permissions: request.permissions,
      model: request.model,
      instructions: request.instructions,
      resumeThreadId: request.resumeNativeSessionId,
    });
    const threadResult = codexThreadResultSchema.parse(
      await client.request(thread.method, thread.params, { timeoutMs: threadTimeoutMs }),
    );
    session.threadId = threadResult.thread.id;
    const turnResult = codexTurnResultSchema.parse(
      await client.request('turn/start', buildCodexTurnParams(session.threadId, request.prompt), {
        timeoutMs: turnStartTimeoutMs,
      }),
    );
    session.turnId = turnResult.turn.id;
  };

  const stopListening = whenAborted(request.signal, interrupt);
  const driving = drive().catch((error: unknown) => {
    // A refusal is in the transcript, where the decoder reads it; a timeout or a crash is not.
    failure = toAgentError(error, 'agent_crashed');
    void server.shutdown();
  });

  try {
    for await (const entry of client.transcript()) {
      yield* decoder.push(entry);
      if (decoder.isSettled) break;
    }
    clearTimeout(interruptTimer);
    await server.shutdown();
    await driving;
    const exit = await child.finished;
    yield* decoder.flush({ ...exit, stderrTail: server.stderrTail(), aborted, failure });
  } finally {
    stopListening();
    clearTimeout(interruptTimer);
    // Also reached when the consumer stops early: the agent must not outlive its run.
    await server.shutdown();
  }
}
