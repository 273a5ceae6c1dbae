import { describe, expect, it } from 'vitest';
import {
  planMainReply,
  planSideReply,
  parseDirectives,
} from '../support/scripted-model-server/steering.js';
import {
  buildMinimalToolInput,
  buildShellInput,
  findShellTool,
} from '../support/scripted-model-server/tool-input.js';
import type { ConversationView, ToolDescription } from '../support/scripted-model-server/types.js';

function view(overrides: Partial<ConversationView> = {}): ConversationView {
  return {
    messageCount: 1,
    newestUserPrompt: 'hello',
    newestToolResults: [],
    earlierUserPrompts: [],
    toolOutputs: [],
    tools: [{ name: 'Bash', inputSchema: { type: 'object', properties: { command: {} } } }],
    workingDirectory: '/work/here',
    structuredOutputSchema: undefined,
    ...overrides,
  };
}

describe('scripted model server steering', () => {
  it('parses every known directive with its value and ignores unknown ones', () => {
    expect(
      parseDirectives(
        'a [[mock:thinking]] b [[mock:tool=echo hi]] [[mock:nope]] [[mock:error=529]]',
      ),
    ).toEqual([
      { name: 'thinking', value: undefined },
      { name: 'tool', value: 'echo hi' },
      { name: 'error', value: '529' },
    ]);
  });

  it('combines thinking with a tool call and reports both directives', () => {
    const decision = planMainReply(view({ newestUserPrompt: '[[mock:thinking]] [[mock:tool]]' }));
    expect(decision.directive).toBe('thinking,tool');
    expect(decision.reply).toBe('thinking+tool_use');
    expect(decision.plan).toMatchObject({
      kind: 'message',
      stopReason: 'tool_use',
      blocks: [{ kind: 'thinking' }, { kind: 'text' }, { kind: 'tool_use', name: 'Bash' }],
    });
  });

  it('lets a directive next to a tool result win over the tool-result acknowledgement', () => {
    const decision = planMainReply(
      view({ newestUserPrompt: '[[mock:recall]]', newestToolResults: ['out'] }),
    );
    expect(decision.reply).toBe('text');
    expect(decision.plan).toMatchObject({
      blocks: [{ text: expect.stringMatching(/^Recall:/) as string }],
    });
  });

  it('falls back to HTTP 500 for an error directive without a valid status', () => {
    expect(planMainReply(view({ newestUserPrompt: '[[mock:error=abc]]' })).plan).toEqual({
      kind: 'http-error',
      status: 500,
    });
  });

  it('answers a long directive with exactly that many characters, ending with END', () => {
    const decision = planMainReply(view({ newestUserPrompt: 'Be verbose [[mock:long=60000]]' }));
    const text = (decision.plan as { blocks: Array<{ text: string }> }).blocks[0]!.text;
    expect(text).toHaveLength(60_000);
    expect(text.startsWith('Line 000001 of the long scripted answer.\n')).toBe(true);
    expect(text.endsWith('END')).toBe(true);
    expect(decision.directive).toBe('long=60000');
  });

  it('truncates the echo to the first 200 characters of the prompt', () => {
    const decision = planMainReply(view({ newestUserPrompt: 'x'.repeat(500) }));
    expect(decision.plan).toMatchObject({ blocks: [{ text: `Echo: ${'x'.repeat(200)}` }] });
  });

  it('answers side requests with a short text when no structured output is asked for', () => {
    expect(planSideReply(view({ tools: [] }))).toMatchObject({
      directive: undefined,
      reply: 'side text',
    });
  });

  it('finds a shell tool by name and only fills the properties its schema declares', () => {
    const tools: ToolDescription[] = [
      { name: 'Read', inputSchema: undefined },
      {
        name: 'run_shell_command',
        inputSchema: { type: 'object', properties: { command: { type: 'array' } } },
      },
    ];
    const shell = findShellTool(tools);
    expect(shell?.name).toBe('run_shell_command');
    expect(buildShellInput(shell, 'ls')).toEqual({ command: ['bash', '-lc', 'ls'] });
  });

  it('builds minimal inputs with required properties only, using enums, numbers and arrays', () => {
    const tool: ToolDescription = {
      name: 'Edit',
      inputSchema: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          mode: { type: 'string', enum: ['fast', 'slow'] },
          count: { type: 'integer', minimum: 3 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
          optional: { type: 'string' },
        },
        required: ['path', 'mode', 'count', 'tags'],
      },
    };
    expect(buildMinimalToolInput(tool, '/work/here')).toEqual({
      path: '/work/here/mock-file.txt',
      mode: 'fast',
      count: 3,
      tags: ['mock value'],
    });
  });
});
