import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedModelServer } from '../support/scripted-model-server/index.js';
import type { ScriptedModelServer } from '../support/scripted-model-server/index.js';

interface SseEvent {
  event: string;
  data: Record<string, unknown> & { type?: string };
}

const bashTool = {
  name: 'Bash',
  description: 'Executes a bash command',
  input_schema: {
    type: 'object',
    properties: {
      command: { type: 'string' },
      timeout: { type: 'number' },
      description: { type: 'string' },
    },
    required: ['command'],
    additionalProperties: false,
  },
};
const writeTool = {
  name: 'Write',
  description: 'Writes a file',
  input_schema: {
    type: 'object',
    properties: { file_path: { type: 'string' }, content: { type: 'string' } },
    required: ['file_path', 'content'],
  },
};
const reminder = { type: 'text', text: '<system-reminder>\nToday is a day.\n</system-reminder>\n' };
const environment = {
  role: 'system',
  content: [{ type: 'text', text: '# Environment\n - Primary working directory: /tmp/project\n' }],
};

function userTurn(text: string): { role: string; content: unknown[] } {
  return { role: 'user', content: [reminder, { type: 'text', text }] };
}

function messagesBody(messages: unknown[], extra: Record<string, unknown> = {}): unknown {
  return {
    model: 'mock-model',
    max_tokens: 32000,
    stream: true,
    system: [{ type: 'text', text: 'You are a Claude agent.' }],
    tools: [bashTool, writeTool],
    messages,
    ...extra,
  };
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim().length > 0)
    .map((chunk) => {
      const lines = chunk.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? '{}';
      return { event, data: JSON.parse(data) as SseEvent['data'] };
    });
}

const deltaFields: Record<string, string> = {
  text_delta: 'text',
  thinking_delta: 'thinking',
  signature_delta: 'signature',
  input_json_delta: 'partial_json',
};

/** The payloads of every content_block_delta of one delta type, in order. */
function deltas(events: SseEvent[], deltaType: string): unknown[] {
  const field = deltaFields[deltaType] ?? 'text';
  return events
    .map((event) => event.data['delta'] as Record<string, unknown> | undefined)
    .filter((delta) => delta?.['type'] === deltaType)
    .map((delta) => delta?.[field]);
}

describe('scripted model server', () => {
  let server: ScriptedModelServer;

  beforeEach(async () => {
    server = await startScriptedModelServer();
  });
  afterEach(async () => {
    await server.close();
  });

  async function postMessages(body: unknown): Promise<Response> {
    return fetch(`${server.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'secret-key' },
      body: JSON.stringify(body),
    });
  }

  async function streamEvents(body: unknown): Promise<SseEvent[]> {
    const response = await postMessages(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    return parseSse(await response.text());
  }

  it('listens on 127.0.0.1 with a free port and answers the HEAD / and GET / warm-up with 200', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).toBe(200);
  });

  it('streams an echo reply as well-formed Anthropic SSE that reassembles to "Echo: <prompt>"', async () => {
    const events = await streamEvents(messagesBody([userTurn('Say hello please'), environment]));

    const names = events.map((event) => event.event);
    expect(names[0]).toBe('message_start');
    expect(names).toContain('ping');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    for (const event of events) {
      expect(event.data.type).toBe(event.event);
    }
    const start = events[0]?.data['message'] as Record<string, unknown>;
    expect(start['id']).toMatch(/^msg_/);
    expect(start['model']).toBe('mock-model');
    expect(start['usage']).toMatchObject({ output_tokens: 1 });
    expect((start['usage'] as { input_tokens: number }).input_tokens).toBeGreaterThan(10);

    const textChunks = deltas(events, 'text_delta');
    expect(textChunks.length).toBeGreaterThan(1);
    expect(textChunks.join('')).toBe('Echo: Say hello please');
    const messageDelta = events.find((event) => event.event === 'message_delta')?.data;
    expect(messageDelta?.['delta']).toMatchObject({ stop_reason: 'end_turn' });
    expect(messageDelta?.['usage']).toEqual({ output_tokens: 6 });
    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      query: '?beta=true',
      dialect: 'anthropic',
      directive: undefined,
      reply: 'text',
    });
  });

  it('answers [[mock:tool]] with a Bash tool_use whose input only holds properties of the Bash schema', async () => {
    const narrowBash = {
      ...bashTool,
      input_schema: { type: 'object', properties: { command: { type: 'string' } } },
    };
    const body = messagesBody([userTurn('Run it [[mock:tool]]')], { tools: [narrowBash] });
    const events = await streamEvents(body);

    const toolStart = events.find(
      (event) =>
        event.event === 'content_block_start' &&
        (event.data['content_block'] as { type: string }).type === 'tool_use',
    );
    expect(toolStart?.data['content_block']).toMatchObject({ name: 'Bash', input: {} });
    expect((toolStart?.data['content_block'] as { id: string }).id).toMatch(/^toolu_/);
    const input = JSON.parse(deltas(events, 'input_json_delta').join('')) as unknown;
    expect(input).toEqual({ command: 'echo hello-from-tool' });
    expect(deltas(events, 'text_delta').join('')).toBe('I will run the command.');
    const messageDelta = events.find((event) => event.event === 'message_delta')?.data;
    expect(messageDelta?.['delta']).toMatchObject({ stop_reason: 'tool_use' });
    expect(server.requests.at(-1)).toMatchObject({ directive: 'tool', reply: 'tool_use' });
  });

  it('runs the command given in [[mock:tool=<cmd>]] and adds a description when the schema has one', async () => {
    const events = await streamEvents(messagesBody([userTurn('Go [[mock:tool=ls -la]]')]));
    const input = JSON.parse(deltas(events, 'input_json_delta').join('')) as unknown;
    expect(input).toEqual({ command: 'ls -la', description: 'Run a command' });
  });

  it('builds a schema-valid Write input under the working directory for [[mock:tooluse=Write]]', async () => {
    const events = await streamEvents(
      messagesBody([userTurn('Write it [[mock:tooluse=Write]]'), environment]),
    );
    const input = JSON.parse(deltas(events, 'input_json_delta').join('')) as unknown;
    expect(input).toEqual({
      file_path: '/tmp/project/mock-file.txt',
      content: 'mock file content\n',
    });
  });

  it('streams a thinking block with thinking and signature deltas before the echo for [[mock:thinking]]', async () => {
    const events = await streamEvents(messagesBody([userTurn('Ponder [[mock:thinking]]')]));
    const firstBlock = events.find((event) => event.event === 'content_block_start');
    expect(firstBlock?.data).toMatchObject({ index: 0, content_block: { type: 'thinking' } });
    expect(deltas(events, 'thinking_delta').join('')).toContain('think');
    expect(deltas(events, 'signature_delta')).toHaveLength(1);
    expect(deltas(events, 'text_delta').join('')).toBe('Echo: Ponder [[mock:thinking]]');
    expect(server.requests.at(-1)).toMatchObject({ directive: 'thinking', reply: 'thinking+text' });
  });

  it('claims the model [[mock:model=<name>]] names in message_start, for any reply', async () => {
    const events = await streamEvents(messagesBody([userTurn('Hi [[mock:model=claude-haiku-9]]')]));
    const start = events.find((event) => event.event === 'message_start');
    expect(start?.data).toMatchObject({ message: { model: 'claude-haiku-9' } });
    expect(deltas(events, 'text_delta').join('')).toBe('Echo: Hi [[mock:model=claude-haiku-9]]');
    expect(server.requests.at(-1)).toMatchObject({ directive: 'model=claude-haiku-9' });
  });

  it('acknowledges a tool result in the newest user message even though an earlier prompt had a directive', async () => {
    const history = [
      userTurn('Run it [[mock:tool]]'),
      environment,
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'x' } }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hello-from-tool\n' }],
      },
    ];
    const events = await streamEvents(messagesBody(history));
    expect(deltas(events, 'text_delta').join('')).toBe('Tool result received: hello-from-tool');
  });

  it('acknowledges the result of a background task that Claude Code announces in a task notification', async () => {
    const notification = [
      '<system-reminder>',
      '[SYSTEM NOTIFICATION - NOT USER INPUT]',
      '<task-notification>',
      '<task-id>knzooq0ux</task-id>',
      '<status>completed</status>',
      '<summary>MCP task e255 (subagents/run_agent) completed.</summary>',
      '<result>',
      'Echo: child says quince',
      '</result>',
      '</task-notification>',
      '</system-reminder>',
    ].join('\n');
    const history = [
      userTurn('Delegate [[mock:call=run_agent]]'),
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'run_agent', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'moved' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Tool result received: moved' }] },
      { role: 'user', content: [{ type: 'text', text: notification }] },
    ];
    const events = await streamEvents(messagesBody(history));
    expect(deltas(events, 'text_delta').join('')).toBe(
      'Tool result received: Echo: child says quince',
    );
  });

  it('follows a directive in a message the user sent mid-turn, which Claude Code surfaces as a system message', async () => {
    const history = [
      userTurn('Run it [[mock:tool]]'),
      environment,
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'out' }] },
      {
        role: 'system',
        content: [
          {
            type: 'text',
            text: 'The user sent a new message while you were working:\nSecond turn [[mock:recall]]\n\nThis is how Claude Code surfaces messages the user sends mid-turn.',
          },
        ],
      },
    ];
    const events = await streamEvents(messagesBody(history));
    expect(deltas(events, 'text_delta').join('')).toBe(
      'Recall: 5 messages in history; earlier user prompts: ["Run it [[mock:tool]]"]; earlier tool output: ["out"]',
    );
    expect(server.requests.at(-1)?.directive).toBe('recall');
  });

  it('summarises the history it received for [[mock:recall]]', async () => {
    const history = [
      userTurn('Run it [[mock:tool]]'),
      environment,
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'out' }] },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Tool result received: out' }] },
      userTurn('What happened? [[mock:recall]]'),
    ];
    const events = await streamEvents(messagesBody(history));
    expect(deltas(events, 'text_delta').join('')).toBe(
      'Recall: 6 messages in history; earlier user prompts: ["Run it [[mock:tool]]"]; earlier tool output: ["out"]',
    );
  });

  it('answers [[mock:error=500]] with HTTP 500, an Anthropic error body and a request-id header', async () => {
    const response = await postMessages(messagesBody([userTurn('Fail [[mock:error=500]]')]));
    expect(response.status).toBe(500);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'Scripted 500 from the scripted model server' },
    });
    expect(server.requests.at(-1)).toMatchObject({ directive: 'error=500', reply: 'http 500' });

    const overloaded = await postMessages(messagesBody([userTurn('[[mock:error=529]]')]));
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('answers a non-streaming request with a complete Messages API JSON message', async () => {
    const body = messagesBody([userTurn('Run it [[mock:tool]]')], { stream: false });
    const response = await postMessages(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const message = (await response.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'mock-model',
      stop_reason: 'tool_use',
      stop_sequence: null,
      content: [
        { type: 'text', text: 'I will run the command.' },
        { type: 'tool_use', name: 'Bash', input: { command: 'echo hello-from-tool' } },
      ],
    });
    expect(message['usage']).toMatchObject({ input_tokens: expect.any(Number) as number });
  });

  it('breaks the stream with an error event for [[mock:sse-error]] but answers the non-streaming retry in full', async () => {
    const events = await streamEvents(messagesBody([userTurn('Break [[mock:sse-error]]')]));
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      data: { type: 'error', error: { type: 'overloaded_error' } },
    });
    expect(deltas(events, 'text_delta')).toHaveLength(1);

    const retry = await postMessages(
      messagesBody([userTurn('Break [[mock:sse-error]]')], { stream: false }),
    );
    expect(await retry.json()).toMatchObject({
      content: [{ type: 'text', text: 'Echo: Break [[mock:sse-error]]' }],
    });
  });

  it('keeps a [[mock:stall]] stream open until the client aborts, then records the disconnect', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify(messagesBody([userTurn('Wait [[mock:stall]]')])),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes(' on it')) {
      const chunk: unknown = (await reader.read()).value;
      received += decoder.decode(chunk as Uint8Array, { stream: true });
    }
    expect(parseSse(received).map((event) => event.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
    ]);
    expect(server.openStreams()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.openStreams()).toBe(1);
    expect(server.requests.at(-1)).toMatchObject({ reply: 'stall', clientDisconnected: false });

    controller.abort();
    await server.waitForAllStreamsClosed(2000);
    expect(server.openStreams()).toBe(0);
    const recorded = await server.waitForRequest((request) => request.clientDisconnected, 2000);
    expect(recorded.directive).toBe('stall');
  });

  it('ends stalled streams promptly when the server is closed', async () => {
    const response = await postMessages(messagesBody([userTurn('[[mock:stall]]')]));
    await server.waitForRequest((request) => request.reply === 'stall');
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(response.text()).rejects.toThrow();
  });

  it('pauses between streamed events for [[mock:slow=<ms>]]', async () => {
    const started = Date.now();
    const events = await streamEvents(messagesBody([userTurn('Hi [[mock:slow=20]]')]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 * (events.length - 1) - 5);
  });

  it('resolves waitForRequest for past and future requests and rejects after the timeout', async () => {
    const future = server.waitForRequest((request) => request.directive === 'recall');
    await postMessages(messagesBody([userTurn('[[mock:recall]]')]));
    expect((await future).reply).toBe('text');
    const past = await server.waitForRequest((request) => request.directive === 'recall');
    expect(past.path).toBe('/v1/messages');
    await expect(server.waitForRequest(() => false, 50)).rejects.toThrow(/No matching request/);
  });

  it('answers unknown paths with an Anthropic-shaped 404 and invalid JSON with a 400', async () => {
    const missing = await fetch(`${server.url}/v1/unknown`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });

    const broken = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{not json' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(server.requests.map((request) => request.reply)).toEqual(['http 404', 'http 400']);
  });

  it('answers a side request without tools with schema-shaped JSON and records no directive', async () => {
    const body = messagesBody([userTurn('<session>Run [[mock:tool]]</session> Write a title')], {
      tools: [],
      stream: false,
      output_config: {
        format: {
          type: 'json_schema',
          schema: {
            type: 'object',
            properties: { title: { type: 'string' } },
            required: ['title'],
          },
        },
      },
    });
    const message = (await (await postMessages(body)).json()) as { content: { text: string }[] };
    expect(JSON.parse(message.content[0]?.text ?? '')).toEqual({ title: 'Mock title' });
    expect(server.requests.at(-1)).toMatchObject({ directive: undefined, reply: 'side json' });

    const plain = await streamEvents(messagesBody([userTurn('Summarise')], { tools: [] }));
    expect(deltas(plain, 'text_delta').join('')).toBe('Mock side reply');
  });

  it('counts tokens at /v1/messages/count_tokens', async () => {
    const response = await fetch(`${server.url}/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      body: JSON.stringify(messagesBody([userTurn('hello')])),
    });
    const counted = (await response.json()) as { input_tokens: number };
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('redacts secrets and appends each finished request to the JSONL log file', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'scripted-model-server-'));
    const logFile = path.join(folder, 'requests.jsonl');
    const logged = await startScriptedModelServer({ logFile });
    try {
      await fetch(`${logged.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'secret-key', authorization: 'Bearer secret' },
        body: JSON.stringify(messagesBody([userTurn('hello')], { stream: false })),
      }).then((response) => response.text());
      await fetch(logged.url, { method: 'HEAD' });
    } finally {
      await logged.close();
    }
    const lines = (await readFile(logFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '') as { headers: Record<string, string>; reply: string };
    expect(first.headers['x-api-key']).toBe('<redacted>');
    expect(first.headers['authorization']).toBe('<redacted>');
    expect(first.reply).toBe('text');
    expect(await readFile(logFile, 'utf8')).not.toContain('secret');
    await rm(folder, { recursive: true, force: true });
  });
});
