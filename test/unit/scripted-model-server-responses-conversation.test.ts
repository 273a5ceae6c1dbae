import { describe, expect, it } from 'vitest';
import {
  isInjectedText,
  readResponsesConversation,
  readResponsesTools,
  stripToolOutputWrapper,
} from '../support/scripted-model-server/responses-conversation.js';
import { planMainReply } from '../support/scripted-model-server/steering.js';
import type { ConversationView } from '../support/scripted-model-server/types.js';

function message(role: string, text: string): Record<string, unknown> {
  return { type: 'message', role, content: [{ type: 'input_text', text }] };
}

describe('scripted model server: reading Responses API conversations', () => {
  it('recognises the user messages Codex writes itself', () => {
    expect(isInjectedText('<environment_context>\n  <cwd>/x</cwd>\n</environment_context>')).toBe(
      true,
    );
    expect(isInjectedText('<turn_aborted>\nInterrupted.\n</turn_aborted>\n')).toBe(true);
    expect(isInjectedText('<permissions instructions>\nx\n</permissions instructions>')).toBe(true);
    expect(isInjectedText('<user_instructions mode="a">x</user_instructions>')).toBe(true);
    expect(
      isInjectedText('# AGENTS.md instructions for /x\n\n<INSTRUCTIONS>\n</INSTRUCTIONS>'),
    ).toBe(true);
    expect(isInjectedText('Say hi [[mock:tool]]')).toBe(false);
    expect(isInjectedText('<b>bold</b> and more')).toBe(false);
  });

  it("strips Codex's wrappers from tool outputs", () => {
    expect(
      stripToolOutputWrapper(
        'Chunk ID: 3ec7d9\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 4\nOutput:\nhello-from-tool\n',
      ),
    ).toBe('hello-from-tool');
    expect(
      stripToolOutputWrapper('Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess.\nA x.txt\n'),
    ).toBe('Success.\nA x.txt');
    expect(stripToolOutputWrapper('{"output":"out\\n","metadata":{"exit_code":0}}')).toBe('out');
    expect(stripToolOutputWrapper('  patch rejected by user \n')).toBe('patch rejected by user');
  });

  it('reads function and custom tools and ignores hosted ones', () => {
    expect(
      readResponsesTools({
        tools: [
          { type: 'function', name: 'exec_command', parameters: { type: 'object' } },
          { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
          { type: 'web_search' },
          { type: 'tool_search', parameters: { type: 'object' } },
        ],
      }),
    ).toEqual([
      { name: 'exec_command', inputSchema: { type: 'object' } },
      { name: 'apply_patch', inputSchema: undefined, freeform: true },
    ]);
  });

  it('builds the view: newest real prompt, newest tool outputs, cwd from the newest context that has one', () => {
    const view = readResponsesConversation({
      input: [
        message('developer', 'base instructions'),
        message('user', '<environment_context>\n  <cwd>/first</cwd>\n</environment_context>'),
        message('user', 'Run it [[mock:tool]]'),
        { type: 'reasoning', summary: [] },
        { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'a' },
        { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'b' },
        { type: 'function_call_output', call_id: 'a', output: 'Exit code: 0\nOutput:\none\n' },
        {
          type: 'function_call_output',
          call_id: 'b',
          output: [{ type: 'input_text', text: 'two' }],
        },
      ],
      tools: [{ type: 'function', name: 'exec_command', parameters: {} }],
    });
    expect(view).toMatchObject({
      messageCount: 8,
      newestUserPrompt: '',
      newestToolResults: ['one', 'two'],
      earlierUserPrompts: ['Run it [[mock:tool]]'],
      toolOutputs: ['one', 'two'],
      workingDirectory: '/first',
    });

    const resumed = readResponsesConversation({
      input: [
        message('user', '<environment_context>\n  <cwd>/first</cwd>\n</environment_context>'),
        message('user', '<environment_context>\n  <cwd>/second</cwd>\n</environment_context>'),
        message(
          'user',
          '<environment_context>\n  <current_date>x</current_date>\n</environment_context>',
        ),
        'not an item',
        message('user', 'Hello'),
      ],
    });
    expect(resumed).toMatchObject({
      newestUserPrompt: 'Hello',
      newestToolResults: [],
      earlierUserPrompts: [],
      workingDirectory: '/second',
    });
    expect(readResponsesConversation({ input: 'plain text input' }).newestUserPrompt).toBe(
      'plain text input',
    );
  });
});

describe('scripted model server steering: patch and escalate', () => {
  function view(overrides: Partial<ConversationView>): ConversationView {
    return {
      messageCount: 1,
      newestUserPrompt: '',
      newestToolResults: [],
      earlierUserPrompts: [],
      toolOutputs: [],
      tools: [],
      workingDirectory: '/work/here',
      structuredOutputSchema: undefined,
      ...overrides,
    };
  }

  it('writes the file with a Write tool when no apply_patch tool is offered (Claude Code)', () => {
    const decision = planMainReply(
      view({
        newestUserPrompt: '[[mock:patch=notes/a.txt]]',
        tools: [
          {
            name: 'Write',
            inputSchema: {
              type: 'object',
              properties: { file_path: { type: 'string' }, content: { type: 'string' } },
              required: ['file_path', 'content'],
            },
          },
        ],
      }),
    );
    expect(decision).toMatchObject({ directive: 'patch=notes/a.txt', reply: 'tool_use' });
    expect(decision.plan).toMatchObject({
      blocks: [
        { kind: 'text' },
        {
          kind: 'tool_use',
          name: 'Write',
          input: {
            file_path: '/work/here/notes/a.txt',
            content: 'patched by the scripted model\n',
          },
        },
      ],
    });
  });

  it('says so in text when neither apply_patch nor Write is offered', () => {
    const decision = planMainReply(view({ newestUserPrompt: '[[mock:patch]]' }));
    expect(decision.reply).toBe('text');
  });

  it('escalates a Bash call as a plain call, since its schema has no sandbox properties', () => {
    const decision = planMainReply(
      view({
        newestUserPrompt: '[[mock:escalate=echo x]]',
        tools: [
          {
            name: 'Bash',
            inputSchema: { type: 'object', properties: { command: { type: 'string' } } },
          },
        ],
      }),
    );
    expect(decision.plan).toMatchObject({
      blocks: [{ kind: 'text' }, { kind: 'tool_use', name: 'Bash', input: { command: 'echo x' } }],
    });
  });
});
