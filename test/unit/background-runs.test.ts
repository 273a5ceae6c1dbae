/**
 * The background-run service over the real RunService (scripted provider): runs are found only
 * by the owner that started them, ended runs stay readable within the retention bounds, and the
 * summary of a run's latest events stays short.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import type { ProviderRunRequest } from '../../src/providers/agent-provider.js';
import {
  createRecentEvents,
  createRunBackgroundRuns,
  type BackgroundRetention,
} from '../../src/server/tasks/index.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';
import { createScriptedProvider, type ScriptStep } from '../support/scripted-provider.js';

const script = (request: ProviderRunRequest): ScriptStep[] => [
  { type: 'run-start', provider: 'scripted', nativeSessionId: 'native-1', cwd: request.cwd },
  ...(request.prompt === 'never ends' ? [{ waitForAbort: true } as const] : []),
  {
    type: 'run-end',
    status: 'completed',
    text: `answered: ${request.prompt}`,
    finishReason: { unified: 'stop' },
  },
];

let server: InMemoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function backgroundRuns(retention?: BackgroundRetention) {
  server = await startInMemoryServer({ providers: [createScriptedProvider(script)] });
  return createRunBackgroundRuns(server.runs, server.config, retention);
}

describe('background runs', () => {
  it('are found by session only under the owner that started them', async () => {
    const runs = await backgroundRuns();
    const id = await runs.start({ tool: 'run_agent', input: { prompt: 'hi' } }, { owner: 'a' });
    const sessionId = runs.view(id)!.sessionId!;
    expect(runs.findBySession(sessionId, 'a')).toBe(id);
    expect(runs.findBySession(sessionId, 'b')).toBeUndefined();
    expect(runs.findBySession(sessionId)).toBeUndefined();
    expect(await runs.settled(id, 10_000)).toBe(true);
    expect(runs.result(id)?.structuredContent).toMatchObject({ text: 'answered: hi' });
  });

  it('forget the oldest ended runs past maxEnded, never a running one', async () => {
    const runs = await backgroundRuns({ maxEnded: 1 });
    const running = await runs.start({ tool: 'run_agent', input: { prompt: 'never ends' } });
    const first = await runs.start({ tool: 'run_agent', input: { prompt: 'one' } });
    await runs.settled(first, 10_000);
    const second = await runs.start({ tool: 'run_agent', input: { prompt: 'two' } });
    await runs.settled(second, 10_000);
    expect(runs.status(first)).toBeUndefined();
    expect(runs.status(second)).toMatchObject({ state: 'finished' });
    expect(runs.status(running)).toMatchObject({ state: 'running' });
    expect(runs.running).toBe(1);
    await runs.cancel(running);
    await runs.idle();
    expect(runs.status(running)).toEqual({ state: 'cancelled' });
    expect(runs.status(second)).toBeUndefined();
  });

  it('forget ended runs older than retainMs', async () => {
    const runs = await backgroundRuns({ retainMs: 0 });
    const id = await runs.start({ tool: 'run_agent', input: { prompt: 'one' } });
    const sessionId = runs.view(id)!.sessionId!;
    await runs.settled(id, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs.findBySession(sessionId)).toBeUndefined();
    expect(runs.result(id)).toBeUndefined();
  });

  it('settle false when the wait is aborted or times out first', async () => {
    const runs = await backgroundRuns();
    const id = await runs.start({ tool: 'run_agent', input: { prompt: 'never ends' } });
    expect(await runs.settled(id, 1)).toBe(false);
    expect(await runs.settled(id, 60_000, AbortSignal.abort())).toBe(false);
    await runs.cancel(id);
    expect(await runs.settled(id, 60_000)).toBe(true);
  });
});

describe('the summary of recent events', () => {
  const delta = (text: string): AgentEvent => ({ type: 'text-delta', blockId: 'b', delta: text });

  it('folds an answer’s deltas into one line and drops repeats', () => {
    const recent = createRecentEvents('codex');
    recent.push({ type: 'run-start', provider: 'codex', cwd: '/w' });
    recent.push({ type: 'reasoning-delta', blockId: 'r', delta: 'hmm' });
    recent.push({ type: 'reasoning-delta', blockId: 'r', delta: 'hmm' });
    recent.push(delta('Hello'));
    recent.push(delta(' world'));
    expect(recent.lines()).toEqual([
      'codex · started in /w',
      'codex · thinking…',
      'codex · answer: Hello world',
    ]);
  });

  it('keeps the latest lines only, each short, and counts tool calls and changed files', () => {
    const recent = createRecentEvents('claude-code', 3);
    for (let index = 0; index < 10; index += 1) {
      recent.push({
        type: 'tool-call',
        callId: `c${index}`,
        toolName: 'Bash',
        input: { command: `step ${index} ${'x'.repeat(500)}` },
      });
      recent.push({ type: 'file-change', path: `/w/f${index % 2}.ts`, kind: 'update' });
    }
    recent.push(delta('y'.repeat(10_000)));
    const lines = recent.lines();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('step 9');
    expect(lines.at(-1)).toMatch(/^claude-code · answer: y+…$/);
    for (const line of lines) expect(line.length).toBeLessThan(200);
    expect(recent.toolCalls).toBe(10);
    expect(recent.filesChanged).toEqual(['/w/f0.ts', '/w/f1.ts']);
  });
});
