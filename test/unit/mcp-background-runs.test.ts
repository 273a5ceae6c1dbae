/**
 * Background runs through the MCP surface (scripted provider, in-memory client): run_agent and
 * resume_agent with `background: true` answer at once, wait_agent returns what a foreground call
 * returns or the run's latest events, cancel_agent ends a run, and bad arguments get clear errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../../src/config/index.js';
import type { ProviderRunRequest } from '../../src/providers/agent-provider.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';
import { eventOf } from '../support/progress-recorder.js';
import { createScriptedProvider, type ScriptStep } from '../support/scripted-provider.js';

const script = (request: ProviderRunRequest): ScriptStep[] => {
  const start: ScriptStep = {
    type: 'run-start',
    provider: 'scripted',
    nativeSessionId: 'native-1',
    cwd: request.cwd,
  };
  if (request.prompt.startsWith('never ends')) {
    return [
      start,
      { type: 'tool-call', callId: 'c1', toolName: 'Bash', input: { command: 'npm test' } },
      { type: 'text-delta', blockId: 'b1', delta: 'Working' },
      { type: 'text-delta', blockId: 'b1', delta: ' on it' },
      { waitForAbort: true },
    ];
  }
  const text = `answered: ${request.prompt}`;
  return [
    start,
    { wait: request.prompt.includes('slowly') ? 200 : 0 },
    { type: 'text-delta', blockId: 'b1', delta: text },
    { type: 'run-end', status: 'completed', text, finishReason: { unified: 'stop' } },
  ];
};

let server: InMemoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(config?: Partial<ServerConfig>): Promise<InMemoryServer> {
  server = await startInMemoryServer({ providers: [createScriptedProvider(script)], config });
  return server;
}

type Structured = Record<string, unknown> & { status: string; session_id?: string; text: string };

async function call(name: string, args: Record<string, unknown>) {
  const result = (await server!.client.callTool({ name, arguments: args })) as CallToolResult;
  return { result, structured: result.structuredContent as Structured | undefined };
}

const textOf = (result: CallToolResult) =>
  result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');

describe('run_agent with background: true', () => {
  it('answers at once with the session id and status running; wait_agent returns the foreground result', async () => {
    await start();
    const started = await call('run_agent', { prompt: 'work slowly', background: true });
    expect(started.result.isError).toBeUndefined();
    expect(started.structured).toMatchObject({ status: 'running', provider: 'scripted' });
    expect(started.structured!.session_id).toMatch(/^sa_/);
    expect(textOf(started.result)).toContain('wait_agent');

    const waited = await call('wait_agent', {
      session_id: started.structured!.session_id,
      timeout_seconds: 50,
    });
    const foreground = await call('run_agent', { prompt: 'work slowly' });
    const comparable = ({ duration_ms: _d, session_id: _s, record_uri: _r, ...rest }: Structured) =>
      rest;
    expect(waited.result.isError).toBeUndefined();
    expect(comparable(waited.structured!)).toEqual(comparable(foreground.structured!));
    expect(waited.structured).toMatchObject({
      status: 'completed',
      text: 'answered: work slowly',
      session_id: started.structured!.session_id,
      record_uri: `subagent-mcp://sessions/${started.structured!.session_id}/runs/1`,
    });
    // Still readable after it was collected.
    const again = await call('wait_agent', { session_id: started.structured!.session_id });
    expect(again.structured).toEqual(waited.structured);
  });

  it('answers a refused call as a foreground call would', async () => {
    await start();
    const refused = await call('run_agent', { prompt: '   ', background: true });
    const foreground = await call('run_agent', { prompt: '   ' });
    expect(refused.result.isError).toBe(true);
    expect(refused.structured).toEqual(foreground.structured);
    expect(refused.structured).toMatchObject({ error: { code: 'invalid_input' } });
  });

  it('reports a run still going on with its latest events, then cancel_agent ends it cancelled', async () => {
    const { runs } = await start();
    const started = await call('run_agent', { prompt: 'never ends', background: true });
    const sessionId = started.structured!.session_id!;
    let waited = await call('wait_agent', { session_id: sessionId, timeout_seconds: 0.05 });
    // The events may not all be in yet when the first short wait ends.
    while (!textOf(waited.result).includes('Working on it')) {
      waited = await call('wait_agent', { session_id: sessionId, timeout_seconds: 0.05 });
    }
    expect(waited.result.isError).toBeUndefined();
    expect(waited.structured).toMatchObject({
      status: 'running',
      session_id: sessionId,
      provider: 'scripted',
      tool_calls: 1,
    });
    const text = textOf(waited.result);
    expect(text).toContain('scripted · tool: Bash "npm test"');
    expect(text).toContain('scripted · answer: Working on it');
    expect(text).not.toContain('answer: Working\n');
    expect(text).toContain(`wait_agent with session_id "${sessionId}"`);

    const cancelled = await call('cancel_agent', { session_id: sessionId });
    expect(cancelled.structured).toMatchObject({ status: 'cancelled', session_id: sessionId });
    expect(runs.activeRuns).toBe(0);
    const after = await call('wait_agent', { session_id: sessionId });
    expect(after.structured).toEqual(cancelled.structured);
    const again = await call('cancel_agent', { session_id: sessionId });
    expect(again.result.isError).toBe(true);
    expect(again.structured).toMatchObject({ error: { code: 'no_background_run' } });
    expect(again.structured!.text).toMatch(/already ended/);
  });

  it('sends the run’s events as progress while wait_agent waits', async () => {
    await start();
    const started = await call('run_agent', { prompt: 'work slowly', background: true });
    const events: string[] = [];
    const result = await server!.client.callTool(
      { name: 'wait_agent', arguments: { session_id: started.structured!.session_id } },
      undefined,
      { onprogress: (progress) => events.push(eventOf(progress)?.type ?? 'status') },
    );
    expect((result.structuredContent as Structured).status).toBe('completed');
    expect(events).toContain('run-end');
  });
});

describe('the bounds of a background run', () => {
  it('times out like a foreground run', async () => {
    await start();
    const started = await call('run_agent', {
      prompt: 'never ends',
      background: true,
      timeout_seconds: 0.2,
    });
    const waited = await call('wait_agent', { session_id: started.structured!.session_id });
    expect(waited.result.isError).toBe(true);
    expect(waited.structured).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' } });
  });

  it('waits for a free slot under maxConcurrentRuns, and says so', async () => {
    await start({ maxConcurrentRuns: 1 });
    const first = await call('run_agent', { prompt: 'never ends', background: true });
    const second = await call('run_agent', { prompt: 'work slowly', background: true });
    expect(second.structured).toMatchObject({ status: 'running' });
    const queued = await call('wait_agent', {
      session_id: second.structured!.session_id,
      timeout_seconds: 0.05,
    });
    expect(queued.structured!.text).toContain('queued: waiting for a free run slot (1 waiting)');
    await call('cancel_agent', { session_id: first.structured!.session_id });
    const done = await call('wait_agent', { session_id: second.structured!.session_id });
    expect(done.structured).toMatchObject({ status: 'completed', text: 'answered: work slowly' });
  });

  it('bounds the result text by maxResultTextCharacters', async () => {
    await start({ maxResultTextCharacters: 1000 });
    const prompt = `work slowly ${'z'.repeat(5000)}`;
    const started = await call('run_agent', { prompt, background: true });
    const waited = await call('wait_agent', { session_id: started.structured!.session_id });
    expect(waited.structured).toMatchObject({ status: 'completed', text_truncated: true });
    expect(waited.structured!.text.length).toBeLessThan(1500);
  });
});

describe('resume_agent with background: true', () => {
  it('continues the session in the background and refuses a second one while it runs', async () => {
    await start();
    const first = await call('run_agent', { prompt: 'hello' });
    const sessionId = first.structured!.session_id!;
    const resumed = await call('resume_agent', {
      session_id: sessionId,
      prompt: 'never ends again',
      background: true,
    });
    expect(resumed.structured).toMatchObject({ status: 'running', session_id: sessionId });
    const twice = await call('resume_agent', {
      session_id: sessionId,
      prompt: 'more',
      background: true,
    });
    expect(twice.result.isError).toBe(true);
    expect(twice.structured!.text).toMatch(/background run still going on/);
    const cancelled = await call('cancel_agent', { session_id: sessionId });
    expect(cancelled.structured).toMatchObject({ status: 'cancelled' });
  });
});

describe('wait_agent and cancel_agent arguments', () => {
  it.each([
    [{ session_id: 'sa_x', timeout_seconds: 51 }],
    [{ session_id: 'sa_x', timeout_seconds: 0 }],
    [{ session_id: 'sa_x', timeout_seconds: 'soon' }],
    [{ timeout_seconds: 5 }],
    [{ session_id: '' }],
  ])('wait_agent refuses %j', async (args) => {
    await start();
    const { result } = await call('wait_agent', args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/invalid|timeout_seconds|session_id/i);
  });

  it.each(['wait_agent', 'cancel_agent'])(
    '%s answers an unknown session or one without a background run with a clear error',
    async (tool) => {
      await start();
      const foreground = await call('run_agent', { prompt: 'hello' });
      for (const sessionId of ['sa_unknown', foreground.structured!.session_id!]) {
        const { result, structured } = await call(tool, { session_id: sessionId });
        expect(result.isError).toBe(true);
        expect(structured).toMatchObject({
          status: 'failed',
          error: { code: 'no_background_run' },
        });
        expect(structured!.text).toContain(`No background run for session_id "${sessionId}"`);
      }
    },
  );
});
