import { describe, expect, it } from 'vitest';
import { readResponsesTools } from '../support/scripted-model-server/responses-conversation.js';
import { toOutputItem } from '../support/scripted-model-server/responses-events.js';
import {
  callDirectives,
  decodeCallArguments,
  findCallableTool,
  parseDirectives,
  planMainReply,
} from '../support/scripted-model-server/steering.js';
import type { ConversationView, ToolDescription } from '../support/scripted-model-server/types.js';

const runAgent = (name: string): ToolDescription => ({
  name,
  inputSchema: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
});

function view(overrides: Partial<ConversationView> = {}): ConversationView {
  return {
    messageCount: 1,
    newestUserPrompt: 'hello',
    newestToolResults: [],
    earlierUserPrompts: [],
    toolOutputs: [],
    tools: [{ name: 'Bash', inputSchema: undefined }, runAgent('mcp__subagents__run_agent')],
    workingDirectory: '/work/here',
    structuredOutputSchema: undefined,
    ...overrides,
  };
}

describe('scripted model server: [[mock:call=…]] [[mock:args=…]]', () => {
  it('encodes arguments as base64url, so brackets, quotes and nested directives survive', () => {
    const args = { prompt: 'child [[mock:tool=printenv X]] "quoted" ]]', provider: 'codex' };
    const text = `Delegate this ${callDirectives('run_agent', args)} please`;
    const directives = parseDirectives(text);
    expect(directives.map((directive) => directive.name)).toEqual(['call', 'args']);
    expect(directives[0]!.value).toBe('run_agent');
    expect(decodeCallArguments(directives[1]!.value)).toEqual(args);
  });

  it('also reads plain JSON arguments, and explains arguments that are not a JSON object', () => {
    expect(decodeCallArguments('{"prompt":"hi"}')).toEqual({ prompt: 'hi' });
    expect(decodeCallArguments(undefined)).toEqual({});
    expect(decodeCallArguments('WzFd')).toMatch(/not a JSON object/); // base64url of [1]
    expect(decodeCallArguments('{nope')).toMatch(/not a JSON object/);
  });

  it('finds the tool by exact name, else by a `__` or `_` suffix, ignoring case', () => {
    const tools = [runAgent('mcp__subagents__run_agent'), runAgent('subagents_resume_agent')];
    expect(findCallableTool(tools, 'mcp__subagents__run_agent')?.name).toBe(
      'mcp__subagents__run_agent',
    );
    expect(findCallableTool(tools, 'run_agent')?.name).toBe('mcp__subagents__run_agent');
    expect(findCallableTool(tools, 'RESUME_AGENT')?.name).toBe('subagents_resume_agent');
    expect(findCallableTool(tools, 'deploy')).toBeUndefined();
    expect(findCallableTool(tools, '')).toBeUndefined();
    expect(findCallableTool([runAgent('subagents_run_agent')], 'run_agent')?.name).toBe(
      'subagents_run_agent',
    );
  });

  it('calls the offered tool with the decoded arguments', () => {
    const prompt = `go ${callDirectives('run_agent', { prompt: 'child says mango' })}`;
    const decision = planMainReply(view({ newestUserPrompt: prompt }));
    expect(decision.directive).toMatch(/^call=run_agent,args=/);
    expect(decision.reply).toBe('tool_use');
    expect(decision.plan).toMatchObject({
      kind: 'message',
      stopReason: 'tool_use',
      blocks: [
        { kind: 'text', text: 'I will call mcp__subagents__run_agent.' },
        {
          kind: 'tool_use',
          name: 'mcp__subagents__run_agent',
          input: { prompt: 'child says mango' },
        },
      ],
    });
  });

  it('acknowledges the tool result once it comes back', () => {
    const decision = planMainReply(
      view({ newestUserPrompt: '', newestToolResults: ['Echo: child says mango'] }),
    );
    expect(decision.plan).toMatchObject({
      stopReason: 'end_turn',
      blocks: [{ kind: 'text', text: 'Tool result received: Echo: child says mango' }],
    });
  });

  it('says so in text when the tool is not offered or the arguments are broken', () => {
    const missing = planMainReply(view({ newestUserPrompt: '[[mock:call=deploy]]' }));
    expect(missing.plan).toMatchObject({
      stopReason: 'end_turn',
      blocks: [
        { text: 'The tool deploy was not offered. Offered tools: Bash, mcp__subagents__run_agent' },
      ],
    });
    const broken = planMainReply(
      view({ newestUserPrompt: '[[mock:call=run_agent]] [[mock:args=%%%]]' }),
    );
    expect(broken.plan).toMatchObject({
      stopReason: 'end_turn',
      blocks: [{ text: expect.stringMatching(/not a JSON object/) as string }],
    });
  });

  it('calls a tool inside a Responses `namespace` tool (Codex MCP tools) by namespace and name', () => {
    const tools = readResponsesTools({
      tools: [
        { type: 'function', name: 'exec_command', parameters: { type: 'object' } },
        {
          type: 'namespace',
          name: 'mcp__subagents',
          description: 'our server',
          tools: [
            { type: 'function', name: 'list_providers', parameters: { type: 'object' } },
            { type: 'function', name: 'run_agent', parameters: { type: 'object' } },
          ],
        },
      ],
    });
    expect(tools.map((tool) => tool.name)).toEqual([
      'exec_command',
      'mcp__subagents__list_providers',
      'mcp__subagents__run_agent',
    ]);
    const prompt = callDirectives('run_agent', { prompt: 'child says mango' });
    const decision = planMainReply(view({ newestUserPrompt: prompt, tools }));
    const plan = decision.plan;
    const block = plan.kind === 'message' ? plan.blocks.at(-1) : undefined;
    expect(block).toMatchObject({
      kind: 'tool_use',
      name: 'mcp__subagents__run_agent',
      namespace: { namespace: 'mcp__subagents', tool: 'run_agent' },
    });
    expect(toOutputItem(block!)).toMatchObject({
      type: 'function_call',
      name: 'run_agent',
      namespace: 'mcp__subagents',
      arguments: '{"prompt":"child says mango"}',
    });
  });
});
