import type { AgentEvent } from '../../events/index.js';
import { AgentError, toAgentError } from '../../errors/index.js';
import type { EventStream } from '../../http/index.js';
import { whenAborted } from '../kit/when-aborted.js';
import type { OpencodePromptBody } from './opencode-args.js';
import type { OpencodeClient } from './opencode-client.js';
import type { OpencodeDecoder } from './opencode-decoder.js';

// opencode answers an abort at once and reports idle within ~20 ms; this bounds a hung server.
const abortGraceMs = 3000;
const replyTimeoutMs = 10_000;

export interface OpencodeTurn {
  client: OpencodeClient;
  /** Subscribed before the prompt is sent. */
  stream: EventStream;
  decoder: OpencodeDecoder;
  sessionId: string;
  /** The run's signal: aborting aborts the turn in opencode. */
  signal: AbortSignal;
  /** What `prompt_async` sends. */
  prompt: OpencodePromptBody;
}

/**
 * Prompts the session and relays its events until it is idle, the run is aborted (the turn is
 * aborted in opencode, then followed for at most 3 s to its idle) or the stream breaks (the turn
 * is aborted, so the session can be resumed at once). Permission and question requests are
 * answered as the decoder decides. Ends with the decoder's run-end.
 */
export async function* followOpencodeTurn(
  turn: OpencodeTurn,
): AsyncGenerator<AgentEvent, void, undefined> {
  const { client, stream, decoder, sessionId, signal } = turn;
  const sessionPath = `/session/${encodeURIComponent(sessionId)}`;
  const abortSession = () =>
    client
      .send({ method: 'POST', path: `${sessionPath}/abort`, timeoutMs: abortGraceMs })
      .catch(() => undefined);
  let aborted: { reason: unknown } | undefined;
  let failure: AgentError | undefined;
  let abortTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    aborted ??= { reason: signal.reason };
    // opencode ends the turn (and kills a running bash tool); the session stays usable.
    void abortSession();
    abortTimer = setTimeout(() => stream.close(), abortGraceMs);
  };

  const stopListening = whenAborted(signal, onAbort);
  try {
    let isPromptSent = false;
    if (!signal.aborted) {
      await client
        .call({ method: 'POST', path: `${sessionPath}/prompt_async`, body: turn.prompt })
        .then(
          () => (isPromptSent = true),
          (error: unknown) => (failure = toAgentError(error, 'agent_crashed')),
        );
      // An abort sent while the prompt was on its way may have reached opencode first.
      if (isPromptSent && aborted !== undefined) void abortSession();
    }
    if (isPromptSent) {
      try {
        for await (const event of stream) {
          yield* decoder.push(event.data);
          for (const reply of decoder.takeReplies()) {
            const response = await client
              .send({ method: 'POST', ...reply, timeoutMs: replyTimeoutMs })
              .catch((error: unknown) => ({ status: 0, body: toAgentError(error).message }));
            if (response.status !== 200) {
              yield {
                type: 'warning',
                message: `opencode did not take our answer to ${reply.path}: HTTP ${response.status} ${JSON.stringify(response.body)}`,
              };
            }
          }
          if (decoder.isSettled) break;
        }
        if (!decoder.isSettled && aborted === undefined) failure = streamBroke(sessionId);
      } catch (error) {
        if (aborted === undefined) failure = streamBroke(sessionId, error);
      }
      // Nobody follows the turn any more: stop it, so the session can be resumed at once.
      if (failure !== undefined) await abortSession();
    }
    yield* decoder.flush({ ...(aborted ? { aborted } : {}), ...(failure ? { failure } : {}) });
  } finally {
    stopListening();
    clearTimeout(abortTimer);
    // A consumer that stopped early leaves a turn nobody follows: it must not go on running.
    if (!decoder.isSettled && aborted === undefined && failure === undefined) {
      await abortSession();
    }
  }
}

function streamBroke(sessionId: string, cause?: unknown): AgentError {
  const why = cause instanceof Error ? ` (${cause.message})` : '';
  return new AgentError(
    'agent_crashed',
    `The opencode event stream broke before the turn ended${why}; session ${sessionId} can be resumed.`,
    { cause },
  );
}
