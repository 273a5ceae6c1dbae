/**
 * Replaying transcripts recorded from the real CLIs by scripts/record-transcript.mjs (a
 * fixture is `<name>.jsonl` and `<name>.meta.json` in a provider's `__fixtures__` folder), and
 * picking events out of the result, for the decoders' fixture tests.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { AgentEvent, AgentEventOf, AgentEventType } from '../../src/events/index.js';
import type { AgentDecoder, ProcessOutcome } from '../../src/providers/kit/agent-decoder.js';
import { assertProviderEventContract } from './provider-contract.js';

/** The fixtures in `directory`, by name, sorted. */
export function listFixtureNames(directory: string): string[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.jsonl'))
    .map((file) => file.slice(0, -'.jsonl'.length))
    .sort();
}

/** How the recorded process ended (every line-process fixture's meta has these). */
interface ProcessFixtureMeta {
  interrupted: boolean;
  exitCode: number | null;
  signal: string | null;
  stderrTail: string;
}

/**
 * Replays a fixture of a CLI that prints one event per stdout line as the provider would:
 * every line, then the process outcome (aborted when the recording interrupted it).
 */
export function replayLineFixture(
  directory: string,
  name: string,
  decoder: AgentDecoder<string, ProcessOutcome>,
): AgentEvent[] {
  const meta = JSON.parse(
    readFileSync(join(directory, `${name}.meta.json`), 'utf8'),
  ) as ProcessFixtureMeta;
  const lines = readFileSync(join(directory, `${name}.jsonl`), 'utf8').split('\n');
  return [
    ...lines.flatMap((line) => decoder.push(line)),
    ...decoder.flush({
      exitCode: meta.exitCode,
      signal: meta.signal,
      stderrTail: meta.stderrTail,
      aborted: meta.interrupted ? { reason: undefined } : undefined,
    }),
  ];
}

/** One test a fixture: its replay honours the provider event contract and matches its snapshot. */
export function itHonoursTheContractOnEveryFixture(
  fixtureNames: readonly string[],
  replayFixture: (name: string) => AgentEvent[],
): void {
  it.each(fixtureNames)(
    '%s: honours the provider event contract and matches its snapshot',
    (name) => {
      const events = replayFixture(name);
      assertProviderEventContract(events);
      expect(events).toMatchSnapshot();
    },
  );
}

export const typesOf = (events: AgentEvent[]) => events.map((event) => event.type);

/** The events of one type, typed. */
export const only = <T extends AgentEventType>(events: AgentEvent[], type: T) =>
  events.filter((event): event is AgentEventOf<T> => event.type === type);

export const runEndOf = (events: AgentEvent[]) => only(events, 'run-end')[0];
