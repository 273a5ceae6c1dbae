import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderRunRequest } from '../../src/providers/agent-provider.js';
import { createScriptedProvider, type ScriptStep } from '../support/scripted-provider.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';

const quick = (request: ProviderRunRequest): ScriptStep[] => [
  {
    type: 'run-start',
    provider: 'scripted',
    nativeSessionId: request.resumeNativeSessionId ?? 'native-1',
    cwd: request.cwd,
  },
  {
    type: 'run-end',
    status: 'completed',
    text: `answered: ${request.prompt}`,
    finishReason: { unified: 'stop' },
  },
];
const stalls = (request: ProviderRunRequest): ScriptStep[] => [
  { type: 'run-start', provider: 'scripted', nativeSessionId: 'native-stall', cwd: request.cwd },
  { type: 'text-delta', delta: 'Working' },
  { waitForAbort: true },
];

let server: InMemoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Structured = {
  status: string;
  text: string;
  session_id?: string;
  error?: { code: string; message: string };
};
const call = async (target: InMemoryServer, name: string, args: Record<string, unknown>) => {
  const result = await target.client.callTool({ name, arguments: args });
  return { isError: result.isError, structured: result.structuredContent as Structured };
};

describe('bad input gets a clear isError result and the server keeps serving', () => {
  it.each([
    ['an empty prompt', { prompt: '   ' }, 'invalid_input', /prompt must not be empty/],
    [
      'an unknown provider',
      { prompt: 'x', provider: 'nope' },
      'unknown_provider',
      /Unknown provider "nope". Known providers: scripted/,
    ],
    ['a relative cwd', { prompt: 'x', cwd: 'sub/dir' }, 'invalid_input', /absolute path/],
    [
      'a missing cwd',
      { prompt: 'x', cwd: '/definitely/not/here' },
      'invalid_input',
      /does not exist/,
    ],
    [
      'a cwd outside the allowed roots',
      { prompt: 'x', cwd: tmpdir() },
      'cwd_not_allowed',
      /outside the allowed roots/,
    ],
    [
      'a non-positive timeout',
      { prompt: 'x', timeout_seconds: 0 },
      undefined,
      /expected number to be >0 at timeout_seconds/,
    ],
    ['a missing prompt', {}, undefined, /expected string, received undefined at prompt/],
    [
      'unknown permissions',
      { prompt: 'x', permissions: 'root' },
      undefined,
      /expected one of .* at permissions/,
    ],
  ])('run_agent with %s', async (_label, args, code, message) => {
    server = await startInMemoryServer({ providers: [createScriptedProvider(quick)] });
    const result = await server.client.callTool({ name: 'run_agent', arguments: args });
    expect(result.isError).toBe(true);
    const content = result.content as Array<{ text: string }>;
    expect(content[0]!.text).toMatch(message);
    if (code) {
      expect((result.structuredContent as Structured).text).toMatch(message);
      expect((result.structuredContent as Structured).error?.code).toBe(code);
    }
    const next = await call(server, 'run_agent', { prompt: 'still there?' });
    expect(next.structured.status).toBe('completed');
  });

  it.each([
    ['a malformed id', 'not-a-session'],
    ['a path-like id', '../../etc/passwd'],
    ['a well-formed but unknown id', 'sa_AAAAAAAAAAAAAAAAAAAAAA'],
  ])('resume_agent with %s is an unknown session', async (_label, sessionId) => {
    server = await startInMemoryServer({ providers: [createScriptedProvider(quick)] });
    const result = await call(server, 'resume_agent', { session_id: sessionId, prompt: 'again' });
    expect(result.isError).toBe(true);
    expect(result.structured.error?.code).toBe('unknown_session');
  });

  it('refuses to delegate beyond the maximum depth', async () => {
    const provider = createScriptedProvider(quick);
    server = await startInMemoryServer({
      providers: [provider],
      environment: { SUBAGENT_MCP_DEPTH: '2' },
    });
    const result = await call(server, 'run_agent', { prompt: 'x' });
    expect(result.isError).toBe(true);
    expect(result.structured.error?.code).toBe('depth_exceeded');
    expect(result.structured.text).toMatch(/depth 2 of at most 2/);
    expect(provider.requests).toHaveLength(0);
  });

  it('passes a depth one higher than its own to the child', async () => {
    const provider = createScriptedProvider(quick);
    server = await startInMemoryServer({
      providers: [provider],
      environment: { SUBAGENT_MCP_DEPTH: '1', KEEP: 'me' },
    });
    await call(server, 'run_agent', { prompt: 'x' });
    expect(provider.requests[0]!.environment).toMatchObject({
      SUBAGENT_MCP_DEPTH: '2',
      KEEP: 'me',
    });
  });
});

describe('sessions', () => {
  it('resumes from a restarted server with the provider and cwd of the session', async () => {
    const provider = createScriptedProvider(quick);
    server = await startInMemoryServer({ providers: [provider] });
    const root = server.root;
    const first = await call(server, 'run_agent', {
      prompt: 'one',
      cwd: root,
      permissions: 'read-only',
    });
    const restarted = await server.restart();
    try {
      const second = await call(restarted, 'resume_agent', {
        session_id: first.structured.session_id,
        prompt: 'two',
      });
      expect(second.structured).toMatchObject({
        status: 'completed',
        text: 'answered: two',
        session_id: first.structured.session_id,
      });
      expect(provider.requests[1]).toMatchObject({ resumeNativeSessionId: 'native-1', cwd: root });
    } finally {
      await restarted.close();
    }
  });
});

describe('one turn at a time per session', () => {
  it('runs two concurrent resumes of one session one after the other', async () => {
    const spans: Array<{ prompt: string; start: number; end: number }> = [];
    const provider = createScriptedProvider((request) => {
      const span = { prompt: request.prompt, start: Date.now(), end: 0 };
      spans.push(span);
      return [
        ...quick(request).slice(0, 1),
        { wait: 200 },
        {
          type: 'run-end',
          status: 'completed',
          text: `done ${request.prompt}`,
          finishReason: { unified: 'stop' },
        },
      ];
    });
    server = await startInMemoryServer({ providers: [provider] });
    const first = await call(server, 'run_agent', { prompt: 'one' });
    const sessionId = first.structured.session_id;
    const [a, b] = await Promise.all([
      call(server, 'resume_agent', { session_id: sessionId, prompt: 'two' }),
      call(server, 'resume_agent', { session_id: sessionId, prompt: 'three' }),
    ]);
    expect([a.structured.text, b.structured.text]).toEqual(['done two', 'done three']);
    const [, second, third] = spans;
    expect(third!.start - second!.start).toBeGreaterThanOrEqual(190);
  });

  it('lets different sessions run at the same time', async () => {
    const provider = createScriptedProvider((request) => [
      ...quick(request).slice(0, 1),
      { waitForAbort: true },
    ]);
    server = await startInMemoryServer({ providers: [provider] });
    const target = server;
    const runs = [
      call(target, 'run_agent', { prompt: 'a', timeout_seconds: 30 }),
      call(target, 'run_agent', { prompt: 'b', timeout_seconds: 30 }),
    ];
    await expect.poll(() => target.runs.activeRuns).toBe(2);
    await target.runs.shutdown();
    await Promise.allSettled(runs);
  });
});

describe('cancellation, timeouts and the queue', () => {
  it('ends the run when the client cancels, sends no result, and keeps serving', async () => {
    const provider = createScriptedProvider((request) =>
      request.prompt === 'stall' ? stalls(request) : quick(request),
    );
    server = await startInMemoryServer({ providers: [provider] });
    const controller = new AbortController();
    const started = new Promise<void>((resolve) => {
      void server!.client
        .callTool({ name: 'run_agent', arguments: { prompt: 'stall' } }, undefined, {
          signal: controller.signal,
          onprogress: () => resolve(),
        })
        .catch(() => undefined);
    });
    await started;
    controller.abort('user stop');
    await expect.poll(() => server!.runs.activeRuns).toBe(0);
    expect(provider.requests[0]!.signal.aborted).toBe(true);
    const next = await call(server, 'run_agent', { prompt: 'after' });
    expect(next.structured.status).toBe('completed');
  });

  it('answers timed_out when a run exceeds timeout_seconds', async () => {
    server = await startInMemoryServer({ providers: [createScriptedProvider(stalls)] });
    const result = await call(server, 'run_agent', { prompt: 'stall', timeout_seconds: 0.3 });
    expect(result.isError).toBe(true);
    expect(result.structured.status).toBe('timed_out');
    expect(result.structured.error?.code).toBe('timed_out');
    expect(result.structured.session_id).toMatch(/^sa_/);
  });

  it('caps timeout_seconds at the server maximum', async () => {
    server = await startInMemoryServer({
      providers: [createScriptedProvider(stalls)],
      config: { timeouts: { defaultSeconds: 0.2, maxSeconds: 0.3, idleSeconds: 60 } },
    });
    const result = await call(server, 'run_agent', { prompt: 'stall', timeout_seconds: 3600 });
    expect(result.structured.status).toBe('timed_out');
    expect(result.structured.error?.message).toMatch(/0\.3 s/);
  });

  it('ends a run that stays silent longer than the idle bound', async () => {
    server = await startInMemoryServer({
      providers: [createScriptedProvider(stalls)],
      config: { timeouts: { defaultSeconds: 60, maxSeconds: 60, idleSeconds: 0.3 } },
    });
    const result = await call(server, 'run_agent', { prompt: 'stall' });
    expect(result.structured).toMatchObject({
      status: 'timed_out',
      error: { code: 'idle_timeout' },
    });
  });

  it('queues runs beyond the concurrency limit and tells the caller', async () => {
    const provider = createScriptedProvider((request) =>
      request.prompt === 'slow'
        ? [...quick(request).slice(0, 1), { wait: 400 }, ...quick(request).slice(1)]
        : quick(request),
    );
    server = await startInMemoryServer({ providers: [provider], config: { maxConcurrentRuns: 1 } });
    const messages: string[] = [];
    const slow = server.client.callTool({ name: 'run_agent', arguments: { prompt: 'slow' } });
    await expect.poll(() => provider.requests.length).toBe(1);
    const queued = server.client.callTool(
      { name: 'run_agent', arguments: { prompt: 'second' } },
      undefined,
      {
        onprogress: (progress) => messages.push(progress.message ?? ''),
      },
    );
    const [first, second] = await Promise.all([slow, queued]);
    expect((first.structuredContent as Structured).status).toBe('completed');
    expect((second.structuredContent as Structured).text).toBe('answered: second');
    expect(messages[0]).toMatch(/queued/);
  });
});
