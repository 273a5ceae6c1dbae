import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedModelServer } from '../support/scripted-model-server/index.js';
import type { ScriptedModelServer } from '../support/scripted-model-server/index.js';

interface Part {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args: Record<string, unknown> };
}
interface GeminiResponse {
  candidates: { content: { role: string; parts: Part[] }; index: number; finishReason?: string }[];
  usageMetadata?: {
    promptTokenCount: number;
    candidatesTokenCount: number;
    totalTokenCount: number;
  };
  modelVersion: string;
  responseId: string;
}

/** Declarations the way Gemini CLI 0.61.0 sends them (descriptions and most tools left out). */
const shellTool = {
  name: 'run_shell_command',
  parametersJsonSchema: {
    type: 'object',
    properties: {
      command: { type: 'string' },
      description: { type: 'string' },
      dir_path: { type: 'string' },
      is_background: { type: 'boolean' },
    },
    required: ['command'],
  },
};
const writeFileTool = {
  name: 'write_file',
  parametersJsonSchema: {
    type: 'object',
    properties: { file_path: { type: 'string' }, content: { type: 'string' } },
    required: ['file_path', 'content'],
  },
};
/** The API's own schema dialect, with upper-case types. */
const readFileTool = {
  name: 'read_file',
  parameters: {
    type: 'OBJECT',
    properties: { file_path: { type: 'STRING' } },
    required: ['file_path'],
  },
};

const sessionContext =
  '<session_context>\nThis is the Gemini CLI. We are setting up the context for our chat.\n' +
  "My operating system is: linux\nThe project's temporary directory is: /home/me/.gemini/tmp/project\n" +
  '- **Workspace Directories:**\n  - /work/project\n- **Directory Structure:**\n</session_context>';

const user = (...texts: string[]) => ({ role: 'user', parts: texts.map((text) => ({ text })) });
const model = (...parts: Part[]) => ({ role: 'model', parts });
const shellCall = (command: string): Part => ({
  functionCall: { name: 'run_shell_command', args: { command } },
});
const shellResult = (output: string) => ({
  role: 'user',
  parts: [
    {
      functionResponse: {
        id: 'run_shell_command_1_0',
        name: 'run_shell_command',
        response: {
          output: `<untrusted_context>\nOutput: ${output}\nProcess Group PGID: 4242\n</untrusted_context>`,
        },
      },
    },
  ],
});

function geminiBody(contents: unknown[], extra: Record<string, unknown> = {}): unknown {
  return {
    contents,
    systemInstruction: { role: 'user', parts: [{ text: 'You are Gemini CLI, a scripted test.' }] },
    tools: [{ functionDeclarations: [shellTool, writeFileTool, readFileTool] }],
    generationConfig: { temperature: 1, thinkingConfig: { includeThoughts: true } },
    ...extra,
  };
}

function parseChunks(text: string): GeminiResponse[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return JSON.parse(block.slice(6)) as GeminiResponse;
    });
}

const partsOf = (chunks: GeminiResponse[]) =>
  chunks.flatMap((chunk) => chunk.candidates[0]?.content.parts ?? []);
const answerText = (chunks: GeminiResponse[]) =>
  partsOf(chunks)
    .filter((part) => part.text !== undefined && !part.thought)
    .map((part) => part.text)
    .join('');
const calls = (chunks: GeminiResponse[]) =>
  partsOf(chunks).flatMap((part) => (part.functionCall ? [part.functionCall] : []));

describe('scripted model server: Gemini API dialect', () => {
  let server: ScriptedModelServer;

  beforeEach(async () => {
    server = await startScriptedModelServer();
  });
  afterEach(async () => {
    await server.close();
  });

  function post(method: string, body: unknown, signal?: AbortSignal, raw?: string) {
    return fetch(`${server.url}/v1beta/models/mock-model:${method}?alt=sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'mock-gemini-key' },
      body: raw ?? JSON.stringify(body),
      signal,
    });
  }

  async function stream(body: unknown): Promise<GeminiResponse[]> {
    const response = await post('streamGenerateContent', body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    return parseChunks(await response.text());
  }

  it('streams an echo of the prompt (not the session context) as GenerateContentResponse chunks', async () => {
    const chunks = await stream(
      geminiBody([user(sessionContext, 'Say hi to the scripted server')]),
    );
    expect(answerText(chunks)).toBe('Echo: Say hi to the scripted server');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        modelVersion: 'mock-model',
        responseId: chunks[0]?.responseId,
      });
      expect(chunk.candidates[0]).toMatchObject({ index: 0, content: { role: 'model' } });
    }
    expect(chunks.slice(0, -1).every((chunk) => chunk.usageMetadata === undefined)).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.candidates[0]?.finishReason).toBe('STOP');
    const usage = last.usageMetadata!;
    expect(usage.promptTokenCount).toBeGreaterThan(20);
    expect(usage.candidatesTokenCount).toBeGreaterThan(0);
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + usage.candidatesTokenCount);
    expect(server.requests.at(-1)).toMatchObject({
      path: '/v1beta/models/mock-model:streamGenerateContent',
      query: '?alt=sse',
      dialect: 'gemini',
      directive: undefined,
      reply: 'text',
    });
    expect(server.requests.at(-1)?.headers['x-goog-api-key']).toBe('<redacted>');
  });

  it('answers [[mock:tool]] with a text, then one run_shell_command call that fits its schema', async () => {
    const chunks = await stream(geminiBody([user(sessionContext, 'Run it [[mock:tool]]')]));
    expect(answerText(chunks)).toBe('I will run the command.');
    expect(calls(chunks)).toEqual([
      {
        name: 'run_shell_command',
        args: { command: 'echo hello-from-tool', description: 'Run a command' },
      },
    ]);
    expect(server.requests.at(-1)).toMatchObject({ directive: 'tool', reply: 'tool_use' });
  });

  it('answers [[mock:patch=<path>]] with write_file of the path under the announced workspace', async () => {
    const chunks = await stream(geminiBody([user(sessionContext, '[[mock:patch=notes/a.txt]]')]));
    expect(calls(chunks)).toEqual([
      {
        name: 'write_file',
        args: {
          file_path: '/work/project/notes/a.txt',
          content: 'patched by the scripted model\n',
        },
      },
    ]);
  });

  it('reads declarations in the API schema dialect (upper-case types) for [[mock:tooluse]]', async () => {
    const chunks = await stream(geminiBody([user(sessionContext, '[[mock:tooluse=read_file]]')]));
    expect(calls(chunks)).toEqual([
      { name: 'read_file', args: { file_path: '/work/project/mock-file.txt' } },
    ]);
  });

  it('acknowledges a function response with the shell output alone, and recalls the history', async () => {
    const roundTrip = [
      user(sessionContext, 'Run it [[mock:tool]]'),
      model({ text: 'I will run the command.' }, shellCall('echo hello-from-tool')),
      shellResult('hello-from-tool'),
    ];
    expect(answerText(await stream(geminiBody(roundTrip)))).toBe(
      'Tool result received: hello-from-tool',
    );
    const recall = await stream(
      geminiBody([
        ...roundTrip,
        model({ text: 'Tool result received: hello-from-tool' }),
        user('What happened? [[mock:recall]]'),
      ]),
    );
    expect(answerText(recall)).toBe(
      'Recall: 5 messages in history; earlier user prompts: ["Run it [[mock:tool]]"]; earlier tool output: ["hello-from-tool"]',
    );
  });

  it('reads each text part of a merged user turn as its own prompt, the last one steering', async () => {
    // After an interrupted turn the CLI appends the next prompt to the unanswered user turn.
    const chunks = await stream(
      geminiBody([user(sessionContext, 'Take your time [[mock:stall]]', 'Go on [[mock:recall]]')]),
    );
    expect(answerText(chunks)).toBe(
      'Recall: 1 messages in history; earlier user prompts: ["Take your time [[mock:stall]]"]; earlier tool output: []',
    );
  });

  it('sends thinking as a thought part before the text for [[mock:thinking]]', async () => {
    const chunks = await stream(geminiBody([user('Ponder [[mock:thinking]]')]));
    const parts = partsOf(chunks);
    expect(parts[0]).toEqual({ text: 'Let me think about this scripted request.', thought: true });
    expect(answerText(chunks)).toBe('Echo: Ponder [[mock:thinking]]');
    expect(server.requests.at(-1)).toMatchObject({ reply: 'thinking+text' });
  });

  it('answers a JSON-mode side call with a value of its schema, whatever the prompt says', async () => {
    const schema = {
      type: 'object',
      properties: {
        reasoning: { type: 'string' },
        next_speaker: { type: 'string', enum: ['user', 'model'] },
      },
      required: ['reasoning', 'next_speaker'],
    };
    const response = await post(
      'generateContent',
      geminiBody([user('Who speaks next? [[mock:error=500]]')], {
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as GeminiResponse;
    const value = JSON.parse(body.candidates[0]?.content.parts[0]?.text ?? '') as unknown;
    expect(value).toEqual({ reasoning: 'Mock title', next_speaker: 'user' });
    expect(body.candidates[0]?.finishReason).toBe('STOP');
    expect(server.requests.at(-1)).toMatchObject({ directive: undefined, reply: 'side json' });
  });

  it('answers a non-streaming generateContent with the whole response, and countTokens', async () => {
    const response = await post('generateContent', geminiBody([user('Run it [[mock:tool]]')]));
    const body = (await response.json()) as GeminiResponse;
    expect(body.candidates[0]?.content.parts).toEqual([
      { text: 'I will run the command.' },
      {
        functionCall: {
          name: 'run_shell_command',
          args: { command: 'echo hello-from-tool', description: 'Run a command' },
        },
      },
    ]);
    expect(body.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    const count = await post('countTokens', geminiBody([user('hi')]));
    expect(((await count.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
  });

  it("answers [[mock:error=<status>]] and invalid JSON in Google's error shape", async () => {
    const limited = await post('streamGenerateContent', geminiBody([user('[[mock:error=429]]')]));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: {
        code: 429,
        message: 'Scripted 429 from the scripted model server',
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    expect(server.requests.at(-1)).toMatchObject({ directive: 'error=429', reply: 'http 429' });
    const failed = await post('streamGenerateContent', geminiBody([user('[[mock:error=500]]')]));
    expect(await failed.json()).toMatchObject({ error: { code: 500, status: 'INTERNAL' } });
    const invalid = await post('streamGenerateContent', undefined, undefined, '{nope');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT' },
    });
  });

  it('keeps a [[mock:stall]] stream open until the client aborts, then records the disconnect', async () => {
    const controller = new AbortController();
    const response = await post(
      'streamGenerateContent',
      geminiBody([user('Take your time [[mock:stall]]')]),
      controller.signal,
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes(' on it')) {
      const chunk: unknown = (await reader.read()).value;
      received += decoder.decode(chunk as Uint8Array, { stream: true });
    }
    const chunks = parseChunks(received);
    expect(answerText(chunks)).toBe('Working on it');
    expect(chunks.every((chunk) => chunk.candidates[0]?.finishReason === undefined)).toBe(true);
    expect(server.openStreams()).toBe(1);
    controller.abort();
    await server.waitForAllStreamsClosed(2000);
    const recorded = await server.waitForRequest((request) => request.clientDisconnected, 2000);
    expect(recorded).toMatchObject({ directive: 'stall', dialect: 'gemini' });
  });

  it('breaks the stream with a bare JSON error after the first chunk for [[mock:sse-error]]', async () => {
    const response = await post('streamGenerateContent', geminiBody([user('[[mock:sse-error]]')]));
    const text = await response.text();
    const errorAt = text.lastIndexOf('{"error"');
    expect(parseChunks(text.slice(0, errorAt))).toHaveLength(1);
    expect(JSON.parse(text.slice(errorAt))).toMatchObject({ error: { code: 500 } });
  });
});
