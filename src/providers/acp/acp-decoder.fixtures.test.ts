/**
 * The decoder on transcripts recorded from the real agents (scripts/record-transcript.mjs
 * acp-<agent>): replaying a transcript gives the events the provider produced live, and they
 * keep the provider contract.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertProviderEventContract } from '../../../test/support/provider-contract.js';
import type { AgentEvent } from '../../events/index.js';
import { createAcpDecoder } from './acp-decoder.js';
import type { AcpTranscriptEntry } from './acp-transcript.js';

const fixturesDirectory = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const fixtures = readdirSync(fixturesDirectory)
  .filter((file) => file.endsWith('.jsonl'))
  .map((file) => file.slice(0, -'.jsonl'.length));

interface FixtureMeta {
  agent: string;
  scenario: string;
  events: AgentEvent[];
}

function replay(name: string): { events: AgentEvent[]; meta: FixtureMeta } {
  const meta = JSON.parse(
    readFileSync(join(fixturesDirectory, `${name}.meta.json`), 'utf8'),
  ) as FixtureMeta;
  const lines = readFileSync(join(fixturesDirectory, `${name}.jsonl`), 'utf8').split('\n');
  const start = meta.events.find((event) => event.type === 'run-start');
  const decoder = createAcpDecoder({ provider: `acp:${meta.agent}`, cwd: start!.cwd });
  const events: AgentEvent[] = [];
  for (const line of lines.filter(Boolean)) {
    events.push(...decoder.push(JSON.parse(line) as AcpTranscriptEntry));
  }
  const aborted = meta.scenario === 'cancel' ? { reason: 'recording a cancel' } : undefined;
  events.push(...decoder.flush({ aborted, exitCode: 0, signal: null, stderrTail: '' }));
  // The recorder scrubs whole lines; a path split across two streamed chunks escapes it.
  const scrubbed = JSON.stringify(events).replace(/\/tmp\/record-acp-[a-z]+-\w+/g, '<TMP>');
  return { events: JSON.parse(scrubbed) as AgentEvent[], meta };
}

describe('the ACP decoder on recorded transcripts', () => {
  it('has fixtures of every preset', () => {
    const agents = new Set(fixtures.map((name) => name.split('-')[0]));
    expect([...agents].sort()).toEqual(['claude', 'codex', 'gemini', 'opencode']);
  });

  it.each(fixtures)('%s: replays to the events of the live run, within the contract', (name) => {
    const { events, meta } = replay(name);
    assertProviderEventContract(events);
    expect(events).toEqual(meta.events);
  });

  it('gemini: a permission request before any tool_call announces the tool, and a decline closes it', () => {
    const { events } = replay('gemini-permission-declined');
    const types = events.map((event) => event.type);
    const call = types.indexOf('tool-call');
    expect(types.slice(call, call + 3)).toEqual(['tool-call', 'permission-request', 'tool-result']);
    expect(events[call + 2]).toMatchObject({ isError: true });
  });

  it('gemini: a model error fails the run as upstream_error', () => {
    const end = replay('gemini-error-400').events.at(-1);
    expect(end).toMatchObject({ status: 'failed', error: { code: 'upstream_error' } });
  });

  it('codex: a declined escalation ends the turn cancelled, reported as completed with a warning', () => {
    const { events } = replay('codex-permission-declined');
    expect(events.at(-1)).toMatchObject({
      status: 'completed',
      finishReason: { raw: 'cancelled' },
    });
    expect(events.some((event) => event.type === 'warning')).toBe(true);
  });
});
