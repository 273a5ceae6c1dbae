import type { AgentEvent } from '../../events/index.js';
import { toAgentError } from '../../errors/index.js';
import type { EventStream } from '../../http/index.js';
import type { AgentProvider, ProviderRunRequest } from '../agent-provider.js';
import { whenAborted } from '../kit/when-aborted.js';
import { describeInstance, type ProviderIdentity } from '../provider-definition.js';
import { buildOpencodePromptBody } from './opencode-args.js';
import {
  createOpencodeClient,
  type OpencodeClient,
  type OpencodeTranscriptEntry,
} from './opencode-client.js';
import { createOpencodeDecoder, type OpencodeDecoder } from './opencode-decoder.js';
import { opencodeDefinition, type OpencodeSettings } from './opencode-definition.js';
import { probeOpencode } from './opencode-probe.js';
import { buildOpencodeRunEnd, type OpencodeTurnOutcome } from './opencode-run-end.js';
import {
  createOpencodeServerManager,
  type OpencodeServerManager,
} from './opencode-server-manager.js';
import { openOpencodeSession } from './opencode-session.js';
import { followOpencodeTurn } from './opencode-turn.js';

/** The opencode adapter, with its warm `opencode serve` visible for diagnostics and tests. */
export interface OpencodeProvider extends AgentProvider {
  readonly servers: OpencodeServerManager;
  dispose(): Promise<void>;
}

export interface OpencodeProviderOptions extends Partial<ProviderIdentity> {
  /**
   * Asked at the start of each run where its transcript goes: the function then sees every
   * HTTP exchange and `/event` payload of that run (for recording fixtures).
   */
  transcriptFor?: (
    request: ProviderRunRequest,
  ) => ((entry: OpencodeTranscriptEntry) => void) | undefined;
}

/**
 * The opencode adapter: one warm `opencode serve` shared by the runs (started on the first run,
 * stopped by `dispose`), or the server at `settings.serverUrl`. A turn is a session (new or
 * resumed) prompted with `prompt_async` and followed on the `/event` bus.
 */
export function createOpencodeProvider(
  settings: OpencodeSettings = {},
  options: OpencodeProviderOptions = {},
): OpencodeProvider {
  const servers = createOpencodeServerManager(settings);
  const { id = opencodeDefinition.id, name = opencodeDefinition.name } = options;
  return {
    ...describeInstance(opencodeDefinition, { id, name }),
    servers,
    probe: (probeOptions) => probeOpencode(settings, servers, probeOptions?.signal),
    run: (request) => runOpencode(servers, settings, { ...options, id }, request),
    warmProcesses: () => servers.describe().length,
    dispose: () => servers.dispose(),
  };
}

async function* runOpencode(
  servers: OpencodeServerManager,
  settings: OpencodeSettings,
  options: OpencodeProviderOptions & { id: string },
  request: ProviderRunRequest,
): AsyncGenerator<AgentEvent, void, undefined> {
  const { signal } = request;
  // Built first: a model name opencode cannot take fails before a server starts.
  const prompt = buildOpencodePromptBody(request);
  // A run that ends before its turn started still has one start and one end.
  const endBeforeTurn = (outcome: OpencodeTurnOutcome): AgentEvent[] => {
    const sessionId = request.resumeNativeSessionId;
    const facts = { sessionId, text: '', wasAborted: false, isIdle: false };
    return [
      {
        type: 'run-start',
        provider: options.id,
        ...(sessionId === undefined ? {} : { nativeSessionId: sessionId }),
        ...(request.model === undefined ? {} : { model: request.model }),
        cwd: request.cwd,
      },
      buildOpencodeRunEnd(facts, outcome),
    ];
  };
  const abortedEarly = (error: unknown): AgentEvent[] => {
    if (!signal.aborted) throw error;
    return endBeforeTurn({ aborted: { reason: signal.reason } });
  };

  let client: OpencodeClient;
  let stream: EventStream;
  try {
    const { environment, cwd } = request;
    const connection = await servers.connect({ environment, cwd, signal });
    const transcript = options.transcriptFor?.(request);
    client = createOpencodeClient({
      connection,
      directory: cwd,
      ...(transcript ? { transcript } : {}),
    });
    // Subscribed before prompting: the bus does not replay what was published before.
    stream = await subscribeUnlessAborted(client, signal);
  } catch (error) {
    yield* abortedEarly(error);
    return;
  }

  try {
    let sessionId: string;
    try {
      sessionId = await openOpencodeSession(client, request);
    } catch (error) {
      if (signal.aborted) {
        yield* abortedEarly(error);
        return;
      }
      yield* endBeforeTurn({ failure: toAgentError(error, 'agent_crashed') });
      return;
    }
    const decoder = createDecoder(settings, options.id, request, sessionId);
    yield* decoder.start();
    yield* followOpencodeTurn({ client, stream, decoder, sessionId, signal, prompt });
  } finally {
    stream.close();
  }
}

function createDecoder(
  settings: OpencodeSettings,
  providerId: string,
  request: ProviderRunRequest,
  sessionId: string,
): OpencodeDecoder {
  return createOpencodeDecoder({
    sessionId,
    cwd: request.cwd,
    provider: providerId,
    approvals: settings.approvals ?? 'decline',
    ...(request.model === undefined ? {} : { model: request.model }),
  });
}

/**
 * The event stream, subscribed to while `signal` may still cancel the subscription; once open,
 * an abort no longer closes it: the turn's end after the abort is still to be read.
 */
async function subscribeUnlessAborted(
  client: OpencodeClient,
  signal: AbortSignal,
): Promise<EventStream> {
  const subscribing = new AbortController();
  const stopListening = whenAborted(signal, () => subscribing.abort(signal.reason));
  try {
    return await client.subscribe(subscribing.signal);
  } finally {
    stopListening();
  }
}
