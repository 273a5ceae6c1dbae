import type { AgentEvent } from '../events/index.js';
import { AgentError, toAgentError } from '../errors/index.js';
import type { AgentProvider, ProviderRunRequest } from '../providers/agent-provider.js';
import { createModelCheck } from './model-honesty.js';
import { createOutcomeFolder, type RunOutcome } from './run-outcome.js';

export interface ExecuteRunOptions {
  provider: AgentProvider;
  request: Omit<ProviderRunRequest, 'signal'>;
  /** Our opaque session id, stamped on the `run-start` event. */
  sessionId: string;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** The caller's cancellation. */
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void | Promise<void>;
  /** Called once the agent reported its own session id (before `onEvent` sees `run-start`). */
  onSessionStarted?: (nativeSessionId: string, model: string | undefined) => Promise<void>;
}

/**
 * Runs one provider turn under a wall-clock bound, an idle bound and the caller's signal.
 * Never throws: every failure becomes a `failed` (or `cancelled` / `timed_out`) outcome.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunOutcome> {
  const { provider, sessionId } = options;
  const startedAt = performance.now();
  const folder = createOutcomeFolder(provider.id);
  const modelCheck = createModelCheck(options.request.model, provider.id);
  const deliver = async (events: AgentEvent[]) => {
    for (const event of events) {
      folder.push(event);
      await options.onEvent(event);
    }
  };
  const finish = (durationMs: number): RunOutcome => {
    const outcome: RunOutcome = folder.result(durationMs);
    if (modelCheck.substitutedModel) outcome.requestedModel = modelCheck.substitutedModel;
    return outcome;
  };
  const controller = new AbortController();
  const abort = (reason: AgentError) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };

  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const wallTimer = setTimeout(
    () =>
      abort(
        new AgentError(
          'timed_out',
          `The run exceeded its timeout of ${seconds(options.timeoutMs)} s.`,
        ),
      ),
    options.timeoutMs,
  );
  let idleTimer: NodeJS.Timeout | undefined;
  const resetIdleTimer = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(
      () =>
        abort(
          new AgentError(
            'idle_timeout',
            `The agent reported nothing for ${seconds(options.idleTimeoutMs)} s and was stopped.`,
          ),
        ),
      options.idleTimeoutMs,
    );
  };
  const onCallerAbort = () => abort(toCancelError(options.signal.reason));
  if (options.signal.aborted) onCallerAbort();
  else options.signal.addEventListener('abort', onCallerAbort, { once: true });

  let nativeSessionId: string | undefined;
  let thrown: AgentError | undefined;
  try {
    resetIdleTimer();
    for await (const event of provider.run({ ...options.request, signal: controller.signal })) {
      resetIdleTimer();
      let delivered = event;
      if (event.type === 'run-start') {
        delivered = { ...event, sessionId };
        if (event.nativeSessionId && !nativeSessionId) {
          nativeSessionId = event.nativeSessionId;
          await options.onSessionStarted?.(event.nativeSessionId, event.model);
        }
      }
      // A substitution's warning goes after the run-start and before the run-end.
      const warnings = modelCheck.inspect(delivered);
      await deliver(
        delivered.type === 'run-end' ? [...warnings, delivered] : [delivered, ...warnings],
      );
    }
  } catch (error) {
    const failure = toAgentError(error, 'agent_crashed');
    if (!folder.ended) {
      const outcome = finish(performance.now() - startedAt);
      return {
        ...outcome,
        status: 'failed',
        error: { code: failure.code, message: failure.message },
      };
    }
  } finally {
    clearTimeout(wallTimer);
    clearTimeout(idleTimer);
    options.signal.removeEventListener('abort', onCallerAbort);
  }
  const outcome = finish(performance.now() - startedAt);
  if (outcome.nativeSessionId) outcome.sessionId = sessionId;
  if (thrown && !folder.ended) {
    outcome.status = 'failed';
    outcome.error = { code: thrown.code, message: thrown.message };
  }
  return outcome;
}

function toCancelError(reason: unknown): AgentError {
  if (reason instanceof AgentError) return reason;
  const detail =
    reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return new AgentError('cancelled', `The run was cancelled${detail ? `: ${detail}` : '.'}`);
}
