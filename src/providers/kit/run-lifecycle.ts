import type { AgentEvent, RunEndEvent, RunStartEvent } from '../../events/index.js';

/**
 * The bookkeeping every decoder shares, so a run's stream keeps its contract: exactly one
 * `run-start` first, exactly one `run-end` last, and a result for every tool call.
 */
export interface RunLifecycle {
  /** The `run-start` and the warnings held for it; `[]` once started. */
  start: () => AgentEvent[];
  /** A warning: at once after the start, otherwise held for it (the start carries the session). */
  warn: (message: string) => AgentEvent[];
  /** Events to show right after the start, once it comes (at once when it came already). */
  holdForStart: (events: readonly AgentEvent[]) => AgentEvent[];
  /** A `tool-call` was emitted: until {@link toolFinished}, the end reports it as unfinished. */
  toolStarted(callId: string, toolName: string): void;
  toolFinished(callId: string): void;
  isToolOpen(callId: string): boolean;
  /**
   * The end, once: the start if it never came, a failed `tool-result` for each tool still
   * open, then `runEnd`. `[]` after the run ended.
   */
  end(runEnd: RunEndEvent): AgentEvent[];
  readonly hasStarted: boolean;
  readonly hasEnded: boolean;
}

/** `describeStart` builds the `run-start` when it is due, from what the decoder knows by then. */
export function createRunLifecycle(describeStart: () => RunStartEvent): RunLifecycle {
  let hasStarted = false;
  let hasEnded = false;
  let held: AgentEvent[] = [];
  const openTools = new Map<string, string>();

  const start = (): AgentEvent[] => {
    if (hasStarted) return [];
    hasStarted = true;
    const heldEvents = held;
    held = [];
    return [describeStart(), ...heldEvents];
  };

  const holdForStart = (events: readonly AgentEvent[]): AgentEvent[] => {
    if (hasStarted) return [...events];
    held.push(...events);
    return [];
  };

  return {
    start,
    warn: (message) => holdForStart([{ type: 'warning', message }]),
    holdForStart,
    toolStarted: (callId, toolName) => void openTools.set(callId, toolName),
    toolFinished: (callId) => void openTools.delete(callId),
    isToolOpen: (callId) => openTools.has(callId),
    end(runEnd) {
      if (hasEnded) return [];
      hasEnded = true;
      const unfinished = [...openTools].map(([callId, toolName]): AgentEvent => ({
        type: 'tool-result',
        callId,
        toolName,
        output: '(did not finish: the turn ended first)',
        isError: true,
      }));
      openTools.clear();
      return [...start(), ...unfinished, runEnd];
    },
    get hasStarted() {
      return hasStarted;
    },
    get hasEnded() {
      return hasEnded;
    },
  };
}

/** What a `run-start` reports, as far as the decoder knows it when the start is due. */
export interface RunStartFacts {
  nativeSessionId?: string | undefined;
  model?: string | undefined;
}

export interface FactsRunLifecycle extends RunLifecycle {
  /**
   * The start, once the CLI named its session and model (its first line): they fill in what
   * `facts` does not know yet. `[]` once started.
   */
  startWith: (nativeSessionId?: string, model?: string) => AgentEvent[];
  /**
   * The events of one native line, in order after the start: warnings alone wait for it (so
   * the start still carries the session the next line names); anything else starts the run.
   */
  withStart: (events: AgentEvent[], nativeSessionId?: string) => AgentEvent[];
}

/** A lifecycle whose `run-start` reports the run's provider and cwd and `facts`. */
export function createRunLifecycleFromFacts(
  run: { provider: string; cwd: string },
  facts: RunStartFacts,
): FactsRunLifecycle {
  const lifecycle = createRunLifecycle(() => ({
    type: 'run-start',
    provider: run.provider,
    nativeSessionId: facts.nativeSessionId,
    model: facts.model,
    cwd: run.cwd,
  }));
  const startWith = (nativeSessionId?: string, model?: string): AgentEvent[] => {
    if (lifecycle.hasStarted) return [];
    facts.nativeSessionId ??= nativeSessionId;
    facts.model ??= model;
    return lifecycle.start();
  };
  return Object.assign(lifecycle, {
    startWith,
    withStart(events: AgentEvent[], nativeSessionId?: string): AgentEvent[] {
      if (lifecycle.hasStarted || events.length === 0) return events;
      if (events.every((event) => event.type === 'warning')) return lifecycle.holdForStart(events);
      return [...startWith(nativeSessionId), ...events];
    },
  });
}
