import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedModelServer } from '../support/scripted-model-server/index.js';
import type { ScriptedModelServer } from '../support/scripted-model-server/index.js';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The shapes Codex 0.169.0 offers (descriptions left out). */
const execCommandTool = {
  type: 'function',
  name: 'exec_command',
  strict: false,
  parameters: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      justification: { type: 'string' },
      login: { type: 'boolean' },
      max_output_tokens: { type: 'number' },
      prefix_rule: { type: 'array', items: { type: 'string' } },
      sandbox_permissions: { type: 'string', enum: ['use_default', 'require_escalated'] },
      shell: { type: 'string' },
      tty: { type: 'boolean' },
      workdir: { type: 'string' },
      yield_time_ms: { type: 'number' },
    },
    required: ['cmd'],
    additionalProperties: false,
  },
};
const writeStdinTool = {
  type: 'function',
  name: 'write_stdin',
  parameters: {
    type: 'object',
    properties: { chars: { type: 'string' }, session_id: { type: 'number' } },
    required: ['session_id'],
  },
};
const applyPatchTool = {
  type: 'custom',
  name: 'apply_patch',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' },
};
const viewImageTool = {
  type: 'function',
  name: 'view_image',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' } },
    required: ['path'],
  },
};
const codexTools = [
  execCommandTool,
  writeStdinTool,
  applyPatchTool,
  viewImageTool,
  { type: 'web_search', external_web_access: false },
];

function message(role: string, text: string): Record<string, unknown> {
  const partType = role === 'assistant' ? 'output_text' : 'input_text';
  return { type: 'message', role, content: [{ type: partType, text }] };
}

/** What Codex puts before the user's first prompt: instructions and an environment context. */
const preamble = [
  message('developer', 'You are a scripted mock model used for offline tests.'),
  {
    type: 'message',
    role: 'developer',
    content: [
      { type: 'input_text', text: '<skills_instructions>\n## Skills\n</skills_instructions>' },
      {
        type: 'input_text',
        text: '<permissions instructions>\nsandbox_mode is `read-only`.\n</permissions instructions>',
      },
    ],
  },
  message(
    'user',
    '# AGENTS.md instructions for /work/project\n\n<INSTRUCTIONS>\nBe brief.\n</INSTRUCTIONS>',
  ),
  message(
    'user',
    '<environment_context>\n  <cwd>/work/project</cwd>\n  <shell>bash</shell>\n</environment_context>',
  ),
];

const execOutput =
  'Chunk ID: 3ec7d9\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 4\nOutput:\nhello-from-tool\n';
const patchOutput =
  'Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nA hello.txt\n';

function responsesBody(input: unknown[], extra: Record<string, unknown> = {}): unknown {
  return {
    model: 'mock-model',
    stream: true,
    input: [...preamble, ...input],
    tools: codexTools,
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { summary: 'auto' },
    store: false,
    include: ['reasoning.encrypted_content'],
    text: { verbosity: 'low' },
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
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

function ofType(events: SseEvent[], type: string): Record<string, unknown>[] {
  return events.filter((event) => event.event === type).map((event) => event.data);
}

function joinedDeltas(events: SseEvent[], type: string): string {
  return ofType(events, type)
    .map((data) => data['delta'] as string)
    .join('');
}

/** The `item` of every `response.output_item.done`, in order. */
function doneItems(events: SseEvent[]): Record<string, unknown>[] {
  return ofType(events, 'response.output_item.done').map(
    (data) => data['item'] as Record<string, unknown>,
  );
}

function functionArguments(events: SseEvent[]): unknown {
  const call = doneItems(events).find((item) => item['type'] === 'function_call');
  return JSON.parse(call?.['arguments'] as string) as unknown;
}

describe('scripted model server: OpenAI Responses dialect', () => {
  let server: ScriptedModelServer;

  beforeEach(async () => {
    server = await startScriptedModelServer();
  });
  afterEach(async () => {
    await server.close();
  });

  async function postResponses(body: unknown, signal?: AbortSignal): Promise<Response> {
    return fetch(`${server.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret' },
      body: JSON.stringify(body),
      signal,
    });
  }

  async function streamEvents(body: unknown): Promise<SseEvent[]> {
    const response = await postResponses(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    return parseSse(await response.text());
  }

  it('streams an echo reply in the event order Codex accepts, reassembling to "Echo: <prompt>"', async () => {
    const events = await streamEvents(responsesBody([message('user', 'Say hi')]));

    expect(events.map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    events.forEach((event, index) => {
      expect(event.data['type']).toBe(event.event);
      expect(event.data['sequence_number']).toBe(index);
    });
    expect(joinedDeltas(events, 'response.output_text.delta')).toBe('Echo: Say hi');

    const added = ofType(events, 'response.output_item.added')[0];
    expect(added?.['item']).toMatchObject({
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    });
    const [item] = doneItems(events);
    expect(item).toMatchObject({
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Echo: Say hi', annotations: [] }],
    });
    const delta = ofType(events, 'response.output_text.delta')[0];
    expect(delta).toMatchObject({ item_id: item?.['id'], output_index: 0, content_index: 0 });

    const completed = ofType(events, 'response.completed')[0]?.['response'] as Record<
      string,
      unknown
    >;
    expect(completed).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'mock-model',
    });
    expect(completed['id']).toMatch(/^resp_/);
    expect(completed['output']).toEqual([item]);
    const usage = completed['usage'] as {
      input_tokens: number;
      input_tokens_details: { cached_tokens: number };
      output_tokens: number;
      output_tokens_details: { reasoning_tokens: number };
      total_tokens: number;
    };
    expect(usage.input_tokens).toBeGreaterThan(50);
    expect(usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(usage.input_tokens_details.cached_tokens).toBeLessThan(usage.input_tokens);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens_details.reasoning_tokens).toBe(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);

    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/responses',
      dialect: 'openai-responses',
      directive: undefined,
      reply: 'text',
    });
    expect(server.requests.at(-1)?.headers['authorization']).toBe('<redacted>');
  });

  it('names the requested model in openai-model, or the one [[mock:model=<name>]] claims to be', async () => {
    const plain = await postResponses(responsesBody([message('user', 'Say hi')]));
    expect(plain.headers.get('openai-model')).toBe('mock-model');
    await plain.text();
    const substituted = await postResponses(
      responsesBody([message('user', 'Say hi [[mock:model=gpt-9-mini]]')]),
    );
    expect(substituted.headers.get('openai-model')).toBe('gpt-9-mini');
    const events = parseSse(await substituted.text());
    expect(ofType(events, 'response.completed')[0]?.['response']).toMatchObject({
      model: 'gpt-9-mini',
    });
    expect(joinedDeltas(events, 'response.output_text.delta')).toBe(
      'Echo: Say hi [[mock:model=gpt-9-mini]]',
    );
  });

  it('answers [[mock:tool]] with a text message, then an exec_command call whose arguments fit its schema', async () => {
    const events = await streamEvents(responsesBody([message('user', 'Run it [[mock:tool]]')]));

    const items = doneItems(events);
    expect(items.map((item) => item['type'])).toEqual(['message', 'function_call']);
    expect(items[0]).toMatchObject({ content: [{ text: 'I will run the command.' }] });
    const call = items[1];
    expect(call).toMatchObject({ name: 'exec_command', status: 'completed' });
    expect(call?.['call_id']).toMatch(/^call_/);
    expect(functionArguments(events)).toEqual({ cmd: 'echo hello-from-tool', login: false });

    const added = ofType(events, 'response.output_item.added')[1];
    expect(added).toMatchObject({
      output_index: 1,
      item: { type: 'function_call', call_id: call?.['call_id'], arguments: '' },
    });
    const deltas = joinedDeltas(events, 'response.function_call_arguments.delta');
    expect(deltas).toBe(call?.['arguments']);
    expect(ofType(events, 'response.function_call_arguments.done')[0]).toMatchObject({
      item_id: call?.['id'],
      arguments: call?.['arguments'],
    });
    expect(server.requests.at(-1)).toMatchObject({ directive: 'tool', reply: 'tool_use' });

    const custom = await streamEvents(responsesBody([message('user', '[[mock:tool=ls -la]]')]));
    expect(functionArguments(custom)).toEqual({ cmd: 'ls -la', login: false });
  });

  it('builds shell_command and shell arguments from their schemas', async () => {
    const shellCommand = {
      type: 'function',
      name: 'shell_command',
      parameters: {
        type: 'object',
        properties: {
          command: { type: 'string' },
          workdir: { type: 'string' },
          login: { type: 'boolean' },
          timeout_ms: { type: 'number' },
        },
        required: ['command'],
      },
    };
    const shell = {
      type: 'function',
      name: 'shell',
      parameters: {
        type: 'object',
        properties: {
          command: { type: 'array', items: { type: 'string' } },
          workdir: { type: 'string' },
          timeout_ms: { type: 'number' },
        },
        required: ['command'],
      },
    };
    const prompt = [message('user', '[[mock:tool=echo hi]]')];
    const viaShellCommand = await streamEvents(responsesBody(prompt, { tools: [shellCommand] }));
    expect(functionArguments(viaShellCommand)).toEqual({ command: 'echo hi', login: false });
    const viaShell = await streamEvents(responsesBody(prompt, { tools: [shell] }));
    expect(functionArguments(viaShell)).toEqual({ command: ['bash', '-lc', 'echo hi'] });
  });

  it('answers [[mock:patch=<path>]] with a freeform apply_patch call that adds the file', async () => {
    const events = await streamEvents(
      responsesBody([message('user', 'Create it [[mock:patch=hello.txt]]')]),
    );
    const patch =
      '*** Begin Patch\n*** Add File: hello.txt\n+patched by the scripted model\n*** End Patch\n';
    const call = doneItems(events).find((item) => item['type'] === 'custom_tool_call');
    expect(call).toMatchObject({ name: 'apply_patch', status: 'completed', input: patch });
    expect(call?.['call_id']).toMatch(/^call_/);
    expect(joinedDeltas(events, 'response.custom_tool_call_input.delta')).toBe(patch);
    expect(ofType(events, 'response.custom_tool_call_input.done')[0]).toMatchObject({
      input: patch,
    });
    expect(server.requests.at(-1)).toMatchObject({
      directive: 'patch=hello.txt',
      reply: 'tool_use',
    });

    const functionPatchTool = {
      type: 'function',
      name: 'apply_patch',
      parameters: {
        type: 'object',
        properties: { input: { type: 'string' } },
        required: ['input'],
      },
    };
    const asFunction = await streamEvents(
      responsesBody([message('user', '[[mock:patch=hello.txt]]')], {
        tools: [execCommandTool, functionPatchTool],
      }),
    );
    expect(functionArguments(asFunction)).toEqual({ input: patch });
  });

  it('answers [[mock:escalate=<cmd>]] with a shell call that asks to leave the sandbox', async () => {
    const events = await streamEvents(
      responsesBody([message('user', '[[mock:escalate=echo escalated]]')]),
    );
    expect(functionArguments(events)).toEqual({
      cmd: 'echo escalated',
      login: false,
      sandbox_permissions: 'require_escalated',
      justification: 'the scripted model wants to run this outside the sandbox',
    });
    expect(server.requests.at(-1)).toMatchObject({ directive: 'escalate=echo escalated' });

    const plainShell = {
      type: 'function',
      name: 'shell_command',
      parameters: { type: 'object', properties: { command: { type: 'string' } } },
    };
    const withoutEscalation = await streamEvents(
      responsesBody([message('user', '[[mock:escalate]]')], { tools: [plainShell] }),
    );
    expect(functionArguments(withoutEscalation)).toEqual({ command: 'echo hello-from-tool' });
  });

  it('acknowledges the newest tool output with its wrapper stripped, for function and custom calls', async () => {
    const afterShell = await streamEvents(
      responsesBody([
        message('user', 'Run it [[mock:tool]]'),
        message('assistant', 'I will run the command.'),
        { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'call_1' },
        { type: 'function_call_output', call_id: 'call_1', output: execOutput },
      ]),
    );
    expect(joinedDeltas(afterShell, 'response.output_text.delta')).toBe(
      'Tool result received: hello-from-tool',
    );
    expect(server.requests.at(-1)).toMatchObject({ directive: undefined, reply: 'text' });

    const afterPatch = await streamEvents(
      responsesBody([
        message('user', 'Create [[mock:patch=hello.txt]]'),
        { type: 'custom_tool_call', name: 'apply_patch', input: '…', call_id: 'call_2' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: patchOutput },
      ]),
    );
    expect(joinedDeltas(afterPatch, 'response.output_text.delta')).toBe(
      'Tool result received: Success. Updated the following files:\nA hello.txt',
    );
  });

  it('summarises the real history for [[mock:recall]]: user prompts only, tool outputs unwrapped', async () => {
    const events = await streamEvents(
      responsesBody([
        message('user', 'Run it [[mock:tool]]'),
        message('assistant', 'I will run the command.'),
        { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'call_1' },
        { type: 'function_call_output', call_id: 'call_1', output: execOutput },
        message('assistant', 'Tool result received: hello-from-tool'),
        message('user', 'Wait [[mock:stall]]'),
        message('user', '<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>'),
        message('developer', '<permissions instructions>\nread-only\n</permissions instructions>'),
        message(
          'user',
          '<environment_context>\n  <current_date>today</current_date>\n</environment_context>',
        ),
        message('user', 'What happened? [[mock:recall]]'),
      ]),
    );
    expect(joinedDeltas(events, 'response.output_text.delta')).toBe(
      'Recall: 14 messages in history; earlier user prompts: ["Run it [[mock:tool]]","Wait [[mock:stall]]"]; earlier tool output: ["hello-from-tool"]',
    );
    expect(server.requests.at(-1)).toMatchObject({ directive: 'recall', reply: 'text' });
  });

  it('follows a directive in a user message newer than a tool output, and ignores an interrupted prompt', async () => {
    const afterOutput = await streamEvents(
      responsesBody([
        message('user', 'Run it [[mock:tool]]'),
        { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'call_1' },
        { type: 'function_call_output', call_id: 'call_1', output: execOutput },
        message('user', 'Next [[mock:tool=echo again]]'),
      ]),
    );
    expect(functionArguments(afterOutput)).toEqual({ cmd: 'echo again', login: false });

    const afterInterrupt = await streamEvents(
      responsesBody([
        message('user', 'Wait [[mock:stall]]'),
        message('user', '<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>'),
        message('user', 'Hello again'),
      ]),
    );
    expect(joinedDeltas(afterInterrupt, 'response.output_text.delta')).toBe('Echo: Hello again');
  });

  it('takes the working directory from the <cwd> of the environment context', async () => {
    const events = await streamEvents(
      responsesBody([message('user', '[[mock:tooluse=view_image]]')]),
    );
    expect(functionArguments(events)).toEqual({ path: '/work/project/mock-file.txt' });
  });

  it('streams a reasoning item with summary deltas before the text for [[mock:thinking]]', async () => {
    const events = await streamEvents(responsesBody([message('user', 'Ponder [[mock:thinking]]')]));
    const items = doneItems(events);
    expect(items.map((item) => item['type'])).toEqual(['reasoning', 'message']);
    expect(items[0]).toMatchObject({
      summary: [{ type: 'summary_text', text: 'Let me think about this scripted request.' }],
    });
    expect(ofType(events, 'response.reasoning_summary_part.added')).toHaveLength(1);
    expect(joinedDeltas(events, 'response.reasoning_summary_text.delta')).toBe(
      'Let me think about this scripted request.',
    );
    expect(ofType(events, 'response.reasoning_summary_text.done')).toHaveLength(1);
    expect(ofType(events, 'response.reasoning_summary_part.done')).toHaveLength(1);
    const usage = (
      ofType(events, 'response.completed')[0]?.['response'] as Record<string, unknown>
    )['usage'] as { output_tokens_details: { reasoning_tokens: number } };
    expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(server.requests.at(-1)).toMatchObject({ reply: 'thinking+text' });
  });

  it('answers [[mock:error=<status>]] with that status and an OpenAI-shaped error body', async () => {
    const response = await postResponses(responsesBody([message('user', '[[mock:error=500]]')]));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: {
        message: 'Scripted 500 from the scripted model server',
        type: 'server_error',
        code: null,
      },
    });
    expect(server.requests.at(-1)).toMatchObject({ directive: 'error=500', reply: 'http 500' });

    const tooMany = await postResponses(responsesBody([message('user', '[[mock:error=429]]')]));
    expect(tooMany.status).toBe(429);
    expect(await tooMany.json()).toMatchObject({ error: { code: null } });
  });

  it('answers invalid JSON with a 400 in the OpenAI error shape', async () => {
    const response = await fetch(`${server.url}/v1/responses`, { method: 'POST', body: '{nope' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: null },
    });
    expect(server.requests.at(-1)).toMatchObject({
      dialect: 'openai-responses',
      reply: 'http 400',
    });
  });

  it('keeps a [[mock:stall]] stream open until the client aborts, then records the disconnect', async () => {
    const controller = new AbortController();
    const response = await postResponses(
      responsesBody([message('user', 'Wait [[mock:stall]]')]),
      controller.signal,
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes(' on it')) {
      const chunk: unknown = (await reader.read()).value;
      received += decoder.decode(chunk as Uint8Array, { stream: true });
    }
    const events = parseSse(received);
    expect(events[0]?.event).toBe('response.created');
    expect(joinedDeltas(events, 'response.output_text.delta')).toBe('Working on it');
    expect(events.map((event) => event.event)).not.toContain('response.completed');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.openStreams()).toBe(1);
    expect(server.requests.at(-1)).toMatchObject({ reply: 'stall', clientDisconnected: false });

    controller.abort();
    await server.waitForAllStreamsClosed(2000);
    const recorded = await server.waitForRequest((request) => request.clientDisconnected, 2000);
    expect(recorded).toMatchObject({ directive: 'stall', dialect: 'openai-responses' });
  });

  it('pauses between streamed events for [[mock:slow=<ms>]]', async () => {
    const started = Date.now();
    const events = await streamEvents(responsesBody([message('user', 'Hi [[mock:slow=20]]')]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 * (events.length - 1) - 5);
  });

  it('breaks the stream with response.failed for [[mock:sse-error]]', async () => {
    const events = await streamEvents(responsesBody([message('user', '[[mock:sse-error]]')]));
    expect(events.at(-1)).toMatchObject({
      event: 'response.failed',
      data: { response: { status: 'failed', error: { code: 'server_error' } } },
    });
    expect(ofType(events, 'response.output_text.delta')).toHaveLength(1);
  });

  it('answers a non-streaming request with a complete response object', async () => {
    const response = await postResponses(
      responsesBody([message('user', 'Run it [[mock:tool]]')], { stream: false }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'response',
      status: 'completed',
      output: [
        { type: 'message', content: [{ type: 'output_text', text: 'I will run the command.' }] },
        { type: 'function_call', name: 'exec_command' },
      ],
      usage: { input_tokens: expect.any(Number) as number },
    });
  });

  it('answers a request without tools as a side request', async () => {
    const events = await streamEvents(
      responsesBody([message('user', 'Title this [[mock:tool]]')], { tools: [] }),
    );
    expect(joinedDeltas(events, 'response.output_text.delta')).toBe('Mock side reply');
    expect(server.requests.at(-1)).toMatchObject({ directive: undefined, reply: 'side text' });
  });
});
