import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../process/index.js';
import { createCodexAppServerClient } from './codex-app-server-client.js';
import { createCodexThreadRouter, type CodexThreadChannel } from './codex-thread-router.js';

/** A router over a connection whose app-server side is written by the test, line by line. */
function createRouted() {
  const output = new PassThrough();
  const client = createCodexAppServerClient({
    lines: readLines(output),
    write: () => undefined,
    answer: () => ({ result: { decision: 'decline' } }),
  });
  const router = createCodexThreadRouter(client);
  const receive = (message: unknown) => output.write(`${JSON.stringify(message)}\n`);
  const receiveText = (line: string) => output.write(`${line}\n`);
  return { router, receive, receiveText, end: () => output.end() };
}

/** What a channel got, until it ends: each line as direction and method (or id). */
async function linesOf(channel: CodexThreadChannel): Promise<string[]> {
  const seen: string[] = [];
  for await (const entry of channel.entries) {
    if (!entry.line.startsWith('{')) {
      seen.push(`${entry.direction} text ${entry.line}`);
      continue;
    }
    const message = JSON.parse(entry.line) as {
      id?: unknown;
      method?: string;
      params?: { threadId?: string };
    };
    const what = message.method ?? `response ${String(message.id)}`;
    const thread = message.params?.threadId ? ` ${message.params.threadId}` : '';
    seen.push(`${entry.direction} ${what}${thread}`);
  }
  return seen;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createCodexThreadRouter', () => {
  it("gives each run its own requests, responses, threads' notifications and approvals", async () => {
    const { router, receive, end } = createRouted();
    const alpha = router.open();
    const bravo = router.open();
    const alphaLines = linesOf(alpha);
    const bravoLines = linesOf(bravo);

    const started = alpha.request('thread/start', { cwd: '/w' });
    const resumed = bravo.request('thread/resume', { threadId: 'B' });
    // A notification of alpha's thread before the thread/start response names it: held.
    receive({ method: 'thread/started', params: { thread: { id: 'A' } } });
    receive({ id: 1, result: { thread: { id: 'B' } } });
    receive({ id: 0, result: { thread: { id: 'A' } } });
    await Promise.all([started, resumed]);
    receive({ method: 'configWarning', params: { summary: 'for everyone' } });
    receive({ method: 'item/agentMessage/delta', params: { threadId: 'B', delta: 'b' } });
    receive({ method: 'item/agentMessage/delta', params: { threadId: 'A', delta: 'a' } });
    receive({ id: 0, method: 'item/commandExecution/requestApproval', params: { threadId: 'B' } });
    // A thread no run owns (a sub-agent's): its approval is answered, shown to nobody.
    receive({ id: 1, method: 'item/commandExecution/requestApproval', params: { threadId: 'Z' } });
    receive({ method: 'turn/completed', params: { threadId: 'Z' } });
    await settle();
    alpha.close();
    bravo.close();

    expect(await alphaLines).toEqual([
      'sent thread/start',
      'received thread/started',
      'received response 0',
      'received configWarning',
      'received item/agentMessage/delta A',
    ]);
    expect(await bravoLines).toEqual([
      'sent thread/resume B',
      'received response 1',
      'received configWarning',
      'received item/agentMessage/delta B',
      'received item/commandExecution/requestApproval B',
      'sent response 0',
    ]);
    expect(alpha.threadIds).toEqual(['A']);
    expect(bravo.threadIds).toEqual(['B']);
    end();
  });

  it('sends nothing more to a closed run, and frees its thread for the next run', async () => {
    const { router, receive, end } = createRouted();
    const first = router.open();
    const firstLines = linesOf(first);
    // Never answered: they fail when the server's output ends below.
    const unanswered = [first.request('turn/start', { threadId: 'A' })];
    await settle();
    first.close();
    receive({ method: 'turn/completed', params: { threadId: 'A' } });
    await settle();
    expect(await firstLines).toEqual(['sent turn/start A']);

    const next = router.open();
    const nextLines = linesOf(next);
    unanswered.push(next.request('thread/resume', { threadId: 'A' }));
    receive({ method: 'thread/goal/cleared', params: { threadId: 'A' } });
    await settle();
    next.close();
    expect(await nextLines).toEqual(['sent thread/resume A', 'received thread/goal/cleared A']);
    end();
    for (const request of unanswered) await expect(request).rejects.toThrow(/ended/);
  });

  it("hands a held channel's request, response and thread to a run as if the run had sent it", async () => {
    const { router, receive, end } = createRouted();
    const held = router.open({ held: true });
    const bystander = router.open();
    const bystanderLines = linesOf(bystander);
    const answered = held.request('thread/start', { cwd: '/w' });
    receive({ method: 'thread/started', params: { thread: { id: 'S' } } });
    receive({ id: 0, result: { thread: { id: 'S' } } });
    await answered;
    // Lines of no thread are the runs' only, not the held channel's.
    receive({ method: 'configWarning', params: { summary: 'for the runs' } });
    receive({ method: 'thread/status/changed', params: { threadId: 'S' } });
    await settle();
    expect(router.openChannels).toBe(1);

    const run = router.open();
    const runLines = linesOf(run);
    expect(held.handOver(run)).toBe(true);
    // Once only, and never from a run's own channel.
    expect(held.handOver(run)).toBe(false);
    expect(run.handOver(bystander)).toBe(false);
    const turn = run.request('turn/start', { threadId: 'S' });
    receive({ id: 1, result: { turn: { id: 'T' } } });
    await turn;
    receive({ method: 'turn/completed', params: { threadId: 'S' } });
    await settle();
    run.close();
    bystander.close();
    expect(await runLines).toEqual([
      'sent thread/start',
      'received thread/started',
      'received response 0',
      'received thread/status/changed S',
      'sent turn/start S',
      'received response 1',
      'received turn/completed S',
    ]);
    expect(await bystanderLines).toEqual(['received configWarning']);
    expect(run.threadIds).toEqual(['S']);
    end();
  });

  it('gives the response to the run when the held request is answered after the hand-over', async () => {
    const { router, receive, end } = createRouted();
    const held = router.open({ held: true });
    const answered = held.request('thread/start', { cwd: '/w' });
    await settle();
    const run = router.open();
    const runLines = linesOf(run);
    expect(held.handOver(run)).toBe(true);
    receive({ id: 0, result: { thread: { id: 'S' } } });
    receive({ method: 'thread/started', params: { thread: { id: 'S' } } });
    await answered;
    await settle();
    run.close();
    expect(await runLines).toEqual([
      'sent thread/start',
      'received response 0',
      'received thread/started',
    ]);
    end();
  });

  it('ends every run when the server output ends, and a run opened later at once', async () => {
    const { router, receiveText, end } = createRouted();
    const open = router.open();
    const lines = linesOf(open);
    receiveText('Welcome!');
    end();
    expect(await lines).toEqual(['received text Welcome!']);
    expect(open.serverEnded).toBe(true);
    const late = router.open();
    expect(late.serverEnded).toBe(true);
    expect(await linesOf(late)).toEqual([]);
    expect(router.openChannels).toBe(0);
  });
});
