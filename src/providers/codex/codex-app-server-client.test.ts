import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../errors/index.js';
import { readLines } from '../../process/index.js';
import {
  createCodexAppServerClient,
  type CodexAppServerClientOptions,
  type CodexTranscriptEntry,
} from './codex-app-server-client.js';

/** A client on an in-memory pipe: `serverSays` feeds its input, `written` is what it sent. */
function connect(options: Partial<CodexAppServerClientOptions> = {}) {
  const output = new PassThrough();
  const written: unknown[] = [];
  const client = createCodexAppServerClient({
    lines: readLines(output),
    write: (line) => written.push(JSON.parse(line)),
    answer: () => ({ result: { decision: 'decline' } }),
    ...options,
  });
  return {
    client,
    written,
    serverSays: (...messages: unknown[]) =>
      output.write(messages.map((message) => `${JSON.stringify(message)}\n`).join('')),
    serverPrints: (text: string) => output.write(text),
    serverEnds: () => output.end(),
  };
}

async function transcriptOf(entries: AsyncIterable<CodexTranscriptEntry>) {
  const seen: { direction: string; message: unknown }[] = [];
  for await (const entry of entries) {
    let message: unknown = entry.line;
    try {
      message = JSON.parse(entry.line);
    } catch {
      // Kept as text.
    }
    seen.push({ direction: entry.direction, message });
  }
  return seen;
}

describe('createCodexAppServerClient', () => {
  it('sends requests without a jsonrpc field and resolves them by id, in any order', async () => {
    const { client, written, serverSays } = connect();
    const first = client.request('initialize', { clientInfo: { name: 'x' } });
    const second = client.request('thread/start', { cwd: '/w' });
    expect(written).toEqual([
      { method: 'initialize', id: 0, params: { clientInfo: { name: 'x' } } },
      { method: 'thread/start', id: 1, params: { cwd: '/w' } },
    ]);
    serverSays({ id: 1, result: { thread: { id: 't' } } }, { id: 0, result: { userAgent: 'u' } });
    await expect(first).resolves.toEqual({ userAgent: 'u' });
    await expect(second).resolves.toEqual({ thread: { id: 't' } });
  });

  it('rejects a request the server answers with an error, naming the method', async () => {
    const { client, serverSays } = connect();
    const resume = client.request('thread/resume', { threadId: 'gone' });
    serverSays({ id: 0, error: { code: -32600, message: 'no rollout found for thread id gone' } });
    const failure = await resume.catch((error: unknown) => error);
    expect(AgentError.is(failure, 'agent_error')).toBe(true);
    expect((failure as AgentError).message).toBe(
      'Codex app-server refused thread/resume: no rollout found for thread id gone',
    );
    expect((failure as AgentError).details).toMatchObject({ rpcCode: -32600 });
  });

  it('answers server requests at once with their own id, apart from ours', async () => {
    const asked: unknown[] = [];
    const { client, written, serverSays } = connect({
      answer: (request) => {
        asked.push(request);
        return request.method.endsWith('requestApproval')
          ? { result: { decision: 'decline' } }
          : { error: { code: -32601, message: `no ${request.method}` } };
      },
    });
    const pending = client.request('turn/start', {});
    serverSays(
      { method: 'item/commandExecution/requestApproval', id: 0, params: { itemId: 'c1' } },
      { method: 'item/tool/requestUserInput', id: 1, params: {} },
      { id: 0, result: { turn: { id: 'turn' } } },
    );
    await expect(pending).resolves.toEqual({ turn: { id: 'turn' } });
    expect(asked).toEqual([
      { id: 0, method: 'item/commandExecution/requestApproval', params: { itemId: 'c1' } },
      { id: 1, method: 'item/tool/requestUserInput', params: {} },
    ]);
    expect(written.slice(1)).toEqual([
      { id: 0, result: { decision: 'decline' } },
      { id: 1, error: { code: -32601, message: 'no item/tool/requestUserInput' } },
    ]);
  });

  it('replies with an internal error when the answer throws', () => {
    const { written, serverSays } = connect({
      answer: () => {
        throw new Error('boom');
      },
    });
    serverSays({ method: 'item/fileChange/requestApproval', id: 7, params: {} });
    return expect
      .poll(() => written)
      .toEqual([
        { id: 7, error: { code: -32603, message: 'subagent-mcp failed to answer: boom' } },
      ]);
  });

  it('keeps every line sent and received in order, notifications included, until the end', async () => {
    const { client, serverSays, serverEnds } = connect();
    const transcript = transcriptOf(client.transcript());
    client.notify('initialized');
    serverSays(
      { method: 'turn/started', params: { turn: { id: 't' } } },
      { method: 'item/fileChange/requestApproval', id: 3, params: {} },
      { method: 'some/futureNotification', params: {} },
    );
    await expect.poll(() => client.isClosed).toBe(false);
    serverEnds();
    expect(await transcript).toEqual([
      { direction: 'sent', message: { method: 'initialized' } },
      { direction: 'received', message: { method: 'turn/started', params: { turn: { id: 't' } } } },
      {
        direction: 'received',
        message: { method: 'item/fileChange/requestApproval', id: 3, params: {} },
      },
      { direction: 'sent', message: { id: 3, result: { decision: 'decline' } } },
      { direction: 'received', message: { method: 'some/futureNotification', params: {} } },
    ]);
  });

  it('fails every pending request when the output ends, saying how the server ended', async () => {
    const { client, serverEnds } = connect({
      describeEnd: () => Promise.resolve('exit code 1: boom'),
    });
    const pending = client.request('initialize', {});
    serverEnds();
    const failure = await pending.catch((error: unknown) => error);
    expect(AgentError.is(failure, 'agent_crashed')).toBe(true);
    expect((failure as AgentError).message).toBe(
      'Codex app-server ended (exit code 1: boom) before answering initialize.',
    );
    await client.closed;
    await expect(client.request('thread/start', {})).rejects.toThrow(/has ended/);
  });

  it('fails pending requests on a line that is not JSON, and keeps the line', async () => {
    const { client, serverPrints, serverEnds } = connect();
    const transcript = transcriptOf(client.transcript());
    const pending = client.request('initialize', {});
    serverPrints('thread panicked at src/main.rs\n');
    const failure = await pending.catch((error: unknown) => error);
    expect(AgentError.is(failure, 'agent_crashed')).toBe(true);
    expect((failure as AgentError).message).toContain(
      'it printed a line that is not JSON: thread panicked at src/main.rs',
    );
    serverEnds();
    expect((await transcript).at(-1)).toEqual({
      direction: 'received',
      message: 'thread panicked at src/main.rs',
    });
  });

  it('fails a request that gets no answer within its timeout', async () => {
    const { client } = connect();
    const failure = await client
      .request('turn/interrupt', {}, { timeoutMs: 20 })
      .catch((error: unknown) => error);
    expect(AgentError.is(failure, 'agent_crashed')).toBe(true);
    expect((failure as AgentError).message).toBe(
      'Codex app-server did not answer turn/interrupt within 0.02 s.',
    );
  });

  it('fails a request it cannot write', async () => {
    const { client } = connect({
      write: () => {
        throw new Error('stdin is closed');
      },
    });
    await expect(client.request('initialize', {})).rejects.toThrow(
      'Could not send initialize to Codex app-server.',
    );
  });
});
