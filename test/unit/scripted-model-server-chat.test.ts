import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedModelServer } from '../support/scripted-model-server/index.js';
import type { ScriptedModelServer } from '../support/scripted-model-server/index.js';

type Chunk = Record<string, unknown> & {
  choices: { index: number; delta: Delta; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};
interface Delta {
  role?: string;
  content?: string;
  reasoning_content?: string;
  tool_calls?: {
    index: number;
    id?: string;
    type?: string;
    function: { name?: string; arguments: string };
  }[];
}

/** The shapes opencode 1.18.33 offers (descriptions and most tools left out). */
function tool(name: string, properties: Record<string, unknown>, required: string[]): unknown {
  return {
    type: 'function',
    function: {
      name,
      description: `The ${name} tool`,
      parameters: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties,
        required,
      },
    },
  };
}
const bashTool = tool(
  'bash',
  {
    command: { type: 'string' },
    timeout: { type: 'integer', minimum: -9007199254740991, exclusiveMinimum: 0 },
    workdir: { type: 'string' },
  },
  ['command'],
);
const editTool = tool(
  'edit',
  {
    filePath: { type: 'string' },
    oldString: { type: 'string' },
    newString: { type: 'string' },
    replaceAll: { type: 'boolean' },
  },
  ['filePath', 'oldString', 'newString'],
);
const readTool = tool(
  'read',
  { filePath: { type: 'string' }, offset: { type: 'integer', minimum: 0 } },
  ['filePath'],
);
const writeTool = tool('write', { content: { type: 'string' }, filePath: { type: 'string' } }, [
  'content',
  'filePath',
]);
const opencodeTools = [bashTool, editTool, readTool, writeTool];

const systemPrompt =
  'You are opencode, an interactive CLI tool that helps users with software engineering tasks.\n' +
  'Here is some useful information about the environment you are running in:\n<env>\n' +
  '  Working directory: /work/project\n  Workspace root folder: /work/project\n' +
  '  Is directory a git repo: no\n  Platform: linux\n</env>';

function chatBody(messages: unknown[], extra: Record<string, unknown> = {}): unknown {
  return {
    model: 'mock-model',
    max_tokens: 4096,
    messages: [{ role: 'system', content: systemPrompt }, ...messages],
    tools: opencodeTools,
    tool_choice: 'auto',
    stream: true,
    stream_options: { include_usage: true },
    ...extra,
  };
}

const user = (content: unknown): unknown => ({ role: 'user', content });
const assistant = (content: string, toolCalls?: unknown[]): unknown => ({
  role: 'assistant',
  content,
  ...(toolCalls ? { tool_calls: toolCalls } : {}),
});
const bashCall = (id: string, command: string): unknown => ({
  id,
  type: 'function',
  function: { name: 'bash', arguments: JSON.stringify({ command }) },
});
const toolMessage = (id: string, content: string): unknown => ({
  role: 'tool',
  tool_call_id: id,
  content,
});

/** The `data:` payloads of an SSE body; the last one must be `[DONE]`, which is dropped. */
function parseChunks(text: string): { chunks: Chunk[]; done: boolean } {
  const payloads = text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return block.slice(6);
    });
  const done = payloads.at(-1) === '[DONE]';
  const chunks = (done ? payloads.slice(0, -1) : payloads).map(
    (payload) => JSON.parse(payload) as Chunk,
  );
  return { chunks, done };
}

function deltas(chunks: Chunk[]): Delta[] {
  return chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
}

function joinedContent(chunks: Chunk[]): string {
  return deltas(chunks)
    .map((delta) => delta.content ?? '')
    .join('');
}

/** The tool calls reassembled from their streamed pieces, by index. */
function toolCalls(chunks: Chunk[]): { id: string; name: string; arguments: unknown }[] {
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const call of deltas(chunks).flatMap((delta) => delta.tool_calls ?? [])) {
    const existing = calls[call.index];
    if (existing) {
      existing.arguments += call.function.arguments;
    } else {
      expect(call.function.arguments).toBe('');
      calls[call.index] = { id: call.id ?? '', name: call.function.name ?? '', arguments: '' };
    }
  }
  return calls.map((call) => ({ ...call, arguments: JSON.parse(call.arguments) as unknown }));
}

function finishReasons(chunks: Chunk[]): (string | null)[] {
  return chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason));
}

describe('scripted model server: OpenAI Chat Completions dialect', () => {
  let server: ScriptedModelServer;

  beforeEach(async () => {
    server = await startScriptedModelServer();
  });
  afterEach(async () => {
    await server.close();
  });

  async function postChat(body: unknown, signal?: AbortSignal): Promise<Response> {
    return fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer mock-key' },
      body: JSON.stringify(body),
      signal,
    });
  }

  async function streamChunks(body: unknown): Promise<Chunk[]> {
    const response = await postChat(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const { chunks, done } = parseChunks(await response.text());
    expect(done).toBe(true);
    return chunks;
  }

  it('streams an echo reply as chat.completion.chunk objects that reassemble, then usage and [DONE]', async () => {
    const chunks = await streamChunks(chatBody([user('Say hi to the scripted server')]));

    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const contentChunks = deltas(chunks).filter((delta) => delta.content);
    expect(contentChunks.length).toBeGreaterThanOrEqual(2);
    expect(joinedContent(chunks)).toBe('Echo: Say hi to the scripted server');
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: chunks[0]?.id,
        object: 'chat.completion.chunk',
        model: 'mock-model',
      });
    }
    expect(chunks[0]?.id).toMatch(/^chatcmpl-/);

    // The finish chunk, then a last chunk with no choices and the usage.
    expect(finishReasons(chunks).filter((reason) => reason !== null)).toEqual(['stop']);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    const usage = last?.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(50);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));

    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      dialect: 'openai-chat',
      directive: undefined,
      reply: 'text',
    });
    expect(server.requests.at(-1)?.headers['authorization']).toBe('<redacted>');
  });

  it('claims the model [[mock:model=<name>]] names in every chunk', async () => {
    const chunks = await streamChunks(chatBody([user('Hi [[mock:model=other-model]]')]));
    expect(chunks.every((chunk) => chunk.model === 'other-model')).toBe(true);
  });

  it('sends no usage chunk when the client did not ask for it', async () => {
    const chunks = await streamChunks(chatBody([user('Hi')], { stream_options: undefined }));
    expect(chunks.some((chunk) => chunk.usage !== undefined)).toBe(false);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('answers [[mock:tool]] with a text, then a bash call whose streamed arguments fit its schema', async () => {
    const chunks = await streamChunks(chatBody([user('Run it [[mock:tool]]')]));

    expect(joinedContent(chunks)).toBe('I will run the command.');
    const calls = toolCalls(chunks);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(calls[0]).toMatchObject({
      name: 'bash',
      arguments: { command: 'echo hello-from-tool' },
    });
    const argumentPieces = deltas(chunks).filter(
      (delta) => delta.tool_calls && delta.tool_calls[0]?.id === undefined,
    );
    expect(argumentPieces.length).toBeGreaterThanOrEqual(2);
    const header = deltas(chunks).find((delta) => delta.tool_calls?.[0]?.id);
    expect(header?.tool_calls?.[0]).toMatchObject({ index: 0, type: 'function' });
    expect(finishReasons(chunks).filter((reason) => reason !== null)).toEqual(['tool_calls']);
    expect(server.requests.at(-1)).toMatchObject({ directive: 'tool', reply: 'tool_use' });

    const custom = await streamChunks(chatBody([user('[[mock:tool=ls -la]]')]));
    expect(toolCalls(custom)[0]?.arguments).toEqual({ command: 'ls -la' });
    const escalated = await streamChunks(chatBody([user('[[mock:escalate=echo up]]')]));
    expect(toolCalls(escalated)[0]).toMatchObject({
      name: 'bash',
      arguments: { command: 'echo up' },
    });
  });

  it('adds a description when the shell tool declares one', async () => {
    const described = tool(
      'bash',
      { command: { type: 'string' }, description: { type: 'string' } },
      ['command', 'description'],
    );
    const chunks = await streamChunks(chatBody([user('[[mock:tool]]')], { tools: [described] }));
    expect(toolCalls(chunks)[0]?.arguments).toEqual({
      command: 'echo hello-from-tool',
      description: 'Run a command',
    });
  });

  it('answers [[mock:patch=<path>]] with a write call of the absolute path under the working directory', async () => {
    const chunks = await streamChunks(chatBody([user('Create it [[mock:patch=notes/hello.txt]]')]));
    expect(toolCalls(chunks)).toMatchObject([
      {
        name: 'write',
        arguments: {
          filePath: '/work/project/notes/hello.txt',
          content: 'patched by the scripted model\n',
        },
      },
    ]);
    expect(server.requests.at(-1)).toMatchObject({
      directive: 'patch=notes/hello.txt',
      reply: 'tool_use',
    });

    const editOnly = await streamChunks(
      chatBody([user('[[mock:patch=hello.txt]]')], { tools: [bashTool, editTool] }),
    );
    expect(toolCalls(editOnly)).toMatchObject([
      {
        name: 'edit',
        arguments: {
          filePath: '/work/project/hello.txt',
          oldString: '',
          newString: 'patched by the scripted model\n',
        },
      },
    ]);
  });

  it('answers [[mock:tooluse=<Tool>]] with a minimal valid input for that tool', async () => {
    const chunks = await streamChunks(chatBody([user('[[mock:tooluse=read]]')]));
    expect(toolCalls(chunks)).toMatchObject([
      { name: 'read', arguments: { filePath: '/work/project/mock-file.txt' } },
    ]);
  });

  it('acknowledges a tool round trip, unless a newer user message carries a directive', async () => {
    const roundTrip = [
      user('Run it [[mock:tool]]'),
      assistant('I will run the command.', [bashCall('call_1', 'echo hello-from-tool')]),
      toolMessage('call_1', 'hello-from-tool\n'),
    ];
    const acknowledged = await streamChunks(chatBody(roundTrip));
    expect(joinedContent(acknowledged)).toBe('Tool result received: hello-from-tool');
    expect(server.requests.at(-1)).toMatchObject({ directive: undefined, reply: 'text' });

    const next = await streamChunks(
      chatBody([
        ...roundTrip,
        assistant('Tool result received: hello-from-tool'),
        user('Again [[mock:tool=echo again]]'),
      ]),
    );
    expect(toolCalls(next)[0]?.arguments).toEqual({ command: 'echo again' });
  });

  it('summarises the real history for [[mock:recall]]: user prompts only, tool outputs trimmed', async () => {
    const chunks = await streamChunks(
      chatBody([
        user('Run it [[mock:tool]]'),
        assistant('I will run the command.', [bashCall('call_1', 'echo hello-from-tool')]),
        toolMessage('call_1', 'hello-from-tool\n'),
        assistant('Tool result received: hello-from-tool'),
        user('Wait [[mock:stall]]'),
        assistant('Working on it'),
        user([
          {
            type: 'text',
            text: 'Summarize the task tool output above and continue with your task.',
          },
        ]),
        user([
          { type: 'text', text: 'What happened? [[mock:recall]]' },
          {
            type: 'text',
            text: '<system-reminder>\nYour operational mode has changed from plan to build.\n</system-reminder>\n',
          },
        ]),
      ]),
    );
    expect(joinedContent(chunks)).toBe(
      'Recall: 9 messages in history; earlier user prompts: ["Run it [[mock:tool]]","Wait [[mock:stall]]"]; earlier tool output: ["hello-from-tool"]',
    );
    expect(server.requests.at(-1)).toMatchObject({ directive: 'recall', reply: 'text' });
  });

  it('answers the title request with a title, whatever directives the prompt holds', async () => {
    const titleBody = {
      model: 'mock-model',
      max_tokens: 1024,
      messages: [
        {
          role: 'system',
          content: 'You are a title generator. You output ONLY a thread title. Nothing else.',
        },
        user('Generate a title for this conversation:\n'),
        user('Run it [[mock:tool]] [[mock:error=500]]'),
      ],
      stream: true,
      stream_options: { include_usage: true },
    };
    const chunks = await streamChunks(titleBody);
    expect(joinedContent(chunks)).toBe('Mock session title');
    expect(toolCalls(chunks)).toEqual([]);
    expect(server.requests.at(-1)).toMatchObject({
      dialect: 'openai-chat',
      directive: undefined,
      reply: 'title',
    });

    // The main turn of the same prompt still follows its directives.
    const main = await streamChunks(chatBody([user('Run it [[mock:tool]]')]));
    expect(toolCalls(main)[0]?.name).toBe('bash');
  });

  it('streams reasoning_content before the text for [[mock:thinking]]', async () => {
    const chunks = await streamChunks(chatBody([user('Ponder [[mock:thinking]]')]));
    const reasoning = deltas(chunks)
      .map((delta) => delta.reasoning_content ?? '')
      .join('');
    expect(reasoning).toBe('Let me think about this scripted request.');
    const firstReasoning = deltas(chunks).findIndex((delta) => delta.reasoning_content);
    const firstContent = deltas(chunks).findIndex((delta) => delta.content);
    expect(firstReasoning).toBeLessThan(firstContent);
    expect(server.requests.at(-1)).toMatchObject({ reply: 'thinking+text' });
  });

  it('answers [[mock:error=<status>]] with that status and an OpenAI-shaped error body', async () => {
    const response = await postChat(chatBody([user('[[mock:error=401]]')]));
    expect(response.status).toBe(401);
    expect(response.headers.get('retry-after-ms')).toBeNull();
    expect(await response.json()).toEqual({
      error: {
        message: 'Scripted 401 from the scripted model server',
        type: 'authentication_error',
        code: null,
      },
    });
    expect(server.requests.at(-1)).toMatchObject({ directive: 'error=401', reply: 'http 401' });

    const overloaded = await postChat(chatBody([user('[[mock:error=503]]')]));
    expect(overloaded.status).toBe(503);
    expect(overloaded.headers.get('retry-after-ms')).toBe('50');
    expect(await overloaded.json()).toMatchObject({ error: { type: 'server_error', code: null } });
  });

  it('answers invalid JSON with a 400 in the OpenAI error shape', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{nope',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: null },
    });
    expect(server.requests.at(-1)).toMatchObject({ dialect: 'openai-chat', reply: 'http 400' });
  });

  it('keeps a [[mock:stall]] stream open until the client aborts, then records the disconnect', async () => {
    const controller = new AbortController();
    const response = await postChat(
      chatBody([user('Take your time [[mock:stall]]')]),
      controller.signal,
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes(' on it')) {
      const chunk: unknown = (await reader.read()).value;
      received += decoder.decode(chunk as Uint8Array, { stream: true });
    }
    const { chunks, done } = parseChunks(received);
    expect(done).toBe(false);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(joinedContent(chunks)).toBe('Working on it');
    expect(finishReasons(chunks).every((reason) => reason === null)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.openStreams()).toBe(1);
    expect(server.requests.at(-1)).toMatchObject({ reply: 'stall', clientDisconnected: false });

    controller.abort();
    await server.waitForAllStreamsClosed(2000);
    const recorded = await server.waitForRequest((request) => request.clientDisconnected, 2000);
    expect(recorded).toMatchObject({ directive: 'stall', dialect: 'openai-chat' });
  });

  it('pauses between chunks for [[mock:slow=<ms>]]', async () => {
    const started = Date.now();
    const chunks = await streamChunks(chatBody([user('Hi [[mock:slow=20]]')]));
    // Every chunk and the [DONE] line after the first one waited.
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 * chunks.length - 5);
  });

  it('breaks the stream with an error payload and no [DONE] for [[mock:sse-error]]', async () => {
    const response = await postChat(chatBody([user('[[mock:sse-error]]')]));
    const blocks = (await response.text()).split('\n\n').filter((block) => block.length > 0);
    expect(blocks.at(-1)).not.toBe('data: [DONE]');
    expect(JSON.parse(blocks.at(-1)!.slice(6))).toMatchObject({
      error: { type: 'server_error', code: null },
    });
  });

  it('answers a non-streaming request with a complete chat.completion', async () => {
    const response = await postChat(chatBody([user('Run it [[mock:tool]]')], { stream: false }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'mock-model',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'I will run the command.',
            tool_calls: [
              {
                type: 'function',
                function: { name: 'bash', arguments: '{"command":"echo hello-from-tool"}' },
              },
            ],
          },
        },
      ],
      usage: { prompt_tokens: expect.any(Number) as number },
    });
  });
});
