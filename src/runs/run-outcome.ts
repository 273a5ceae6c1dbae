import type { AgentEvent, RunEndEvent, RunStatus, Usage } from '../events/index.js';
import type { RunRecordReference } from './records/index.js';

/** What a finished run produced; the server turns it into the tool result. */
export interface RunOutcome {
  status: RunStatus;
  /** The sub-agent's final answer of this turn. */
  text: string;
  provider: string;
  /** Our opaque session id, once the agent reported its session. */
  sessionId?: string;
  nativeSessionId?: string;
  /** The model the agent reports (its last report: the `run-end`'s, else the `run-start`'s). */
  model?: string;
  /**
   * The model the run asked for, set only when the agent reported another one (a substitution,
   * see model-honesty.ts); a `warning` event said so during the run.
   */
  requestedModel?: string;
  usage?: Usage;
  durationMs: number;
  toolCalls: number;
  filesChanged: string[];
  error?: { code: string; message: string };
  /** The run's record (its events and whole answer), when the state directory took it. */
  record?: RunRecordReference;
}

/** The `run-end` a run that produced none would have had: closes its record all the same. */
export function runEndOfOutcome(outcome: RunOutcome): RunEndEvent {
  return {
    type: 'run-end',
    status: outcome.status,
    text: outcome.text,
    finishReason: { unified: outcome.status === 'completed' ? 'stop' : 'error' },
    ...(outcome.nativeSessionId ? { nativeSessionId: outcome.nativeSessionId } : {}),
    ...(outcome.model ? { model: outcome.model } : {}),
    ...(outcome.usage ? { usage: outcome.usage } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
}

/** Folds a run's events into its outcome, one event at a time. */
export function createOutcomeFolder(provider: string) {
  let toolCalls = 0;
  const filesChanged = new Set<string>();
  let lastUsage: Usage | undefined;
  let model: string | undefined;
  let nativeSessionId: string | undefined;
  let end: Extract<AgentEvent, { type: 'run-end' }> | undefined;

  return {
    push(event: AgentEvent): void {
      switch (event.type) {
        case 'run-start':
          model = event.model ?? model;
          nativeSessionId = event.nativeSessionId ?? nativeSessionId;
          break;
        case 'tool-call':
          toolCalls += 1;
          break;
        case 'file-change':
          filesChanged.add(event.path);
          break;
        case 'usage':
          lastUsage = event.usage;
          break;
        case 'run-end':
          end = event;
          break;
        case 'text-delta':
        case 'text':
        case 'reasoning-delta':
        case 'reasoning':
        case 'tool-result':
        case 'plan-update':
        case 'permission-request':
        case 'warning':
        case 'error':
          break;
      }
    },
    get ended(): boolean {
      return end !== undefined;
    },
    result(durationMs: number): Omit<RunOutcome, 'sessionId' | 'requestedModel' | 'record'> {
      return {
        status: end?.status ?? 'failed',
        text: end?.text ?? '',
        provider,
        nativeSessionId: end?.nativeSessionId ?? nativeSessionId,
        model: end?.model ?? model,
        usage: end?.usage ?? lastUsage,
        durationMs,
        toolCalls,
        filesChanged: [...filesChanged],
        error:
          end?.error ??
          (end ? undefined : { code: 'internal', message: 'The provider ended without a result.' }),
      };
    },
  };
}
