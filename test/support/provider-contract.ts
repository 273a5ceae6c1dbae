/**
 * The contract every provider's event stream must honour, shared by the decoder tests (on every
 * recorded fixture) and the e2e tests (on live runs):
 * - exactly one `run-start`, first; exactly one `run-end`, last (so nothing after it);
 * - every event validates against `agentEventSchema`;
 * - every `tool-result` answers an earlier `tool-call` with the same `callId`.
 */
import { agentEventSchema, type AgentEvent } from '../../src/events/index.js';
import type { AgentProvider, ProviderRunRequest } from '../../src/providers/agent-provider.js';

/** Throws an Error naming the first broken rule and the offending event's index. */
export function assertProviderEventContract(events: readonly AgentEvent[]): void {
  if (events.length === 0) throw new Error('Provider contract: the stream has no events.');
  const describe = (index: number): string => `event #${index} ${JSON.stringify(events[index])}`;

  events.forEach((event, index) => {
    const parsed = agentEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new Error(
        `Provider contract: ${describe(index)} does not validate: ${parsed.error.message}`,
      );
    }
  });

  if (events[0]?.type !== 'run-start') {
    throw new Error(`Provider contract: the first event must be run-start, got ${describe(0)}.`);
  }
  const last = events.length - 1;
  if (events[last]?.type !== 'run-end') {
    throw new Error(`Provider contract: the last event must be run-end, got ${describe(last)}.`);
  }

  const callIds = new Set<string>();
  events.forEach((event, index) => {
    if (event.type === 'run-start' && index !== 0) {
      throw new Error(`Provider contract: a second run-start at ${describe(index)}.`);
    }
    if (event.type === 'run-end' && index !== last) {
      throw new Error(`Provider contract: events after run-end, which is ${describe(index)}.`);
    }
    if (event.type === 'tool-call') callIds.add(event.callId);
    if (event.type === 'tool-result' && !callIds.has(event.callId)) {
      throw new Error(
        `Provider contract: ${describe(index)} answers no earlier tool-call with callId ${event.callId}.`,
      );
    }
  });
}

/**
 * Runs one turn to the end and returns every event; with `checkContract` (default true) the
 * stream is checked by {@link assertProviderEventContract} too.
 */
export async function collectProviderRun(
  provider: AgentProvider,
  request: Omit<ProviderRunRequest, 'signal' | 'environment'> &
    Partial<Pick<ProviderRunRequest, 'signal' | 'environment'>>,
  options: { checkContract?: boolean } = {},
): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of provider.run({
    signal: new AbortController().signal,
    environment: { ...process.env },
    ...request,
  })) {
    events.push(event);
  }
  if (options.checkContract ?? true) assertProviderEventContract(events);
  return events;
}
