/**
 * Steering: reads `[[mock:…]]` directives from the newest user prompt and decides, independently
 * of any API dialect, what the scripted model answers.
 */
import path from 'node:path';
import {
  buildAddFilePatch,
  buildMinimalToolInput,
  buildPatchInput,
  buildShellInput,
  buildStructuredOutputValue,
  defaultShellCommand,
  findNamedTool,
  findPatchTool,
  findShellTool,
  mockFileName,
  patchedFileLine,
} from './tool-input.js';
import type { ConversationView, ReplyBlock, SteeringDecision, ToolDescription } from './types.js';

export type DirectiveName =
  | 'tool'
  | 'tooluse'
  | 'patch'
  | 'escalate'
  | 'thinking'
  | 'recall'
  | 'stall'
  | 'slow'
  | 'error'
  | 'sse-error'
  | 'call'
  | 'args'
  | 'model';

export interface Directive {
  name: DirectiveName;
  value: string | undefined;
}

const directiveNames: readonly DirectiveName[] = [
  'tool',
  'tooluse',
  'patch',
  'escalate',
  'thinking',
  'recall',
  'stall',
  'slow',
  'error',
  'sse-error',
  'call',
  'args',
  'model',
];

/** Directives that choose the kind of reply; the first one in the prompt wins. */
const replyChoosingNames: readonly DirectiveName[] = [
  'tool',
  'tooluse',
  'patch',
  'escalate',
  'recall',
  'stall',
  'error',
  'sse-error',
  'call',
];

export const echoLimit = 200;
export const stallTextChunks: readonly string[] = ['Working', ' on it'];
export const thinkingText = 'Let me think about this scripted request.';

/** Every known `[[mock:name]]` or `[[mock:name=value]]` in the text, in order. */
export function parseDirectives(text: string): Directive[] {
  const directives: Directive[] = [];
  for (const match of text.matchAll(/\[\[mock:([a-z-]+)(?:=([^\]]*))?\]\]/gi)) {
    const name = (match[1] ?? '').toLowerCase();
    const known = directiveNames.find((directiveName) => directiveName === name);
    if (known) {
      directives.push({ name: known, value: match[2]?.trim() });
    }
  }
  return directives;
}

export function describeDirectives(directives: Directive[]): string | undefined {
  if (directives.length === 0) {
    return undefined;
  }
  return directives
    .map((directive) =>
      directive.value === undefined ? directive.name : `${directive.name}=${directive.value}`,
    )
    .join(',');
}

/** A side request (title generation and the like): the client offered no tools. */
export function planSideReply(view: ConversationView): SteeringDecision {
  if (view.structuredOutputSchema) {
    const text = JSON.stringify(buildStructuredOutputValue(view.structuredOutputSchema));
    return { directive: undefined, reply: 'side json', plan: endTurn([{ kind: 'text', text }], 0) };
  }
  const blocks: ReplyBlock[] = [{ kind: 'text', text: 'Mock side reply' }];
  return { directive: undefined, reply: 'side text', plan: endTurn(blocks, 0) };
}

export const titleReplyText = 'Mock session title';

/** A title-generation request (opencode's title agent): a short title, whatever the prompt says. */
export function planTitleReply(): SteeringDecision {
  const blocks: ReplyBlock[] = [{ kind: 'text', text: titleReplyText }];
  return { directive: undefined, reply: 'title', plan: endTurn(blocks, 0) };
}

/** The reply to a main-turn request. */
export function planMainReply(view: ConversationView): SteeringDecision {
  const directives = parseDirectives(view.newestUserPrompt);
  const answeredModel = directives.find((item) => item.name === 'model')?.value;
  const decision = planMainReplyOf(view, directives);
  return answeredModel ? { ...decision, answeredModel } : decision;
}

function planMainReplyOf(view: ConversationView, directives: Directive[]): SteeringDecision {
  const directive = describeDirectives(directives);
  const thinking: ReplyBlock[] = directives.some((item) => item.name === 'thinking')
    ? [{ kind: 'thinking', thinking: thinkingText, signature: 'scripted-signature' }]
    : [];
  const slowValue = Number(directives.find((item) => item.name === 'slow')?.value);
  const delay = Number.isFinite(slowValue) && slowValue > 0 ? slowValue : 0;
  const chosen = directives.find((item) => replyChoosingNames.includes(item.name));

  if (view.newestToolResults.length > 0 && chosen === undefined) {
    const text = `Tool result received: ${view.newestToolResults.join('\n').trim()}`;
    return decide(directive, endTurn([...thinking, { kind: 'text', text }], delay));
  }
  switch (chosen?.name) {
    case 'error':
      return decide(directive, { kind: 'http-error', status: errorStatus(chosen) });
    case 'stall':
      return decide(directive, { kind: 'stall', textChunks: [...stallTextChunks] });
    case 'sse-error':
      return decide(directive, {
        kind: 'stream-error',
        blocks: [{ kind: 'text', text: echoText(view) }],
      });
    case 'tool':
    case 'tooluse':
    case 'escalate':
      return decide(directive, toolPlan(view, chosen, thinking, delay));
    case 'patch':
      return decide(directive, patchPlan(view, chosen, thinking, delay));
    case 'call':
      return decide(directive, callPlan(view, chosen, directives, thinking, delay));
    case 'recall':
      return decide(
        directive,
        endTurn([...thinking, { kind: 'text', text: recallText(view) }], delay),
      );
    case 'thinking':
    case 'slow':
    case 'args':
    case 'model':
    case undefined:
      return decide(
        directive,
        endTurn([...thinking, { kind: 'text', text: echoText(view) }], delay),
      );
  }
}

export function echoText(view: ConversationView): string {
  return `Echo: ${Array.from(view.newestUserPrompt).slice(0, echoLimit).join('')}`;
}

export function recallText(view: ConversationView): string {
  return (
    `Recall: ${view.messageCount} messages in history; ` +
    `earlier user prompts: ${JSON.stringify(view.earlierUserPrompts)}; ` +
    `earlier tool output: ${JSON.stringify(view.toolOutputs)}`
  );
}

function toolPlan(
  view: ConversationView,
  directive: Directive,
  thinking: ReplyBlock[],
  delay: number,
): SteeringDecision['plan'] {
  let block: ReplyBlock;
  let introduction: string;
  if (directive.name === 'tooluse' && directive.value) {
    const tool = findNamedTool(view.tools, directive.value);
    const input = buildMinimalToolInput(tool, view.workingDirectory);
    block = { kind: 'tool_use', name: tool?.name ?? directive.value, input };
    introduction = `I will use the ${block.name} tool.`;
  } else {
    const tool = findShellTool(view.tools);
    const input = buildShellInput(tool, directive.value || defaultShellCommand, {
      escalate: directive.name === 'escalate',
    });
    block = { kind: 'tool_use', name: tool?.name ?? 'Bash', input };
    introduction = 'I will run the command.';
  }
  return toolUse([...thinking, { kind: 'text', text: introduction }, block], delay);
}

/**
 * `[[mock:call=<tool name>]]` with `[[mock:args=<arguments>]]`: call that tool (found by exact
 * name, else by suffix, see findCallableTool) with these JSON arguments as its input. When the
 * tool is not offered or the arguments are not a JSON object, say so in text instead.
 */
function callPlan(
  view: ConversationView,
  directive: Directive,
  directives: Directive[],
  thinking: ReplyBlock[],
  delay: number,
): SteeringDecision['plan'] {
  const wanted = directive.value ?? '';
  const tool = findCallableTool(view.tools, wanted);
  if (!tool) {
    const offered = view.tools.map((item) => item.name).join(', ');
    const text = `The tool ${wanted || '(no name)'} was not offered. Offered tools: ${offered}`;
    return endTurn([...thinking, { kind: 'text', text }], delay);
  }
  const argsValue = directives.find((item) => item.name === 'args')?.value;
  const input = decodeCallArguments(argsValue);
  if (typeof input === 'string') {
    return endTurn([...thinking, { kind: 'text', text: input }], delay);
  }
  const block: ReplyBlock = tool.namespace
    ? { kind: 'tool_use', name: tool.name, input, namespace: tool.namespace }
    : { kind: 'tool_use', name: tool.name, input };
  return toolUse([...thinking, { kind: 'text', text: `I will call ${tool.name}.` }, block], delay);
}

/**
 * The tool to call for `[[mock:call=<name>]]`: exactly that name, else the same name in another
 * case, else a tool whose name ends with `__<name>` (Claude Code's and Codex's
 * `mcp__<server>__<tool>`) or `_<name>` (opencode's `<server>_<tool>`), ignoring case.
 */
export function findCallableTool(
  tools: ToolDescription[],
  name: string,
): ToolDescription | undefined {
  if (!name) {
    return undefined;
  }
  const lowerName = name.toLowerCase();
  const endsWith = (separator: string) =>
    tools.find((tool) => tool.name.toLowerCase().endsWith(`${separator}${lowerName}`));
  return findNamedTool(tools, name) ?? endsWith('__') ?? endsWith('_');
}

/**
 * The arguments of `[[mock:args=<value>]]`: a JSON object, written either as base64url of its
 * JSON text (safe for any content, directives included) or as plain JSON without `]`. Absent
 * arguments are an empty object. Returns an explanation (a string) when they cannot be read.
 */
export function decodeCallArguments(value: string | undefined): Record<string, unknown> | string {
  if (value === undefined || value === '') {
    return {};
  }
  const json = value.startsWith('{') ? value : Buffer.from(value, 'base64url').toString('utf8');
  try {
    const parsed = JSON.parse(json) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  return `The call arguments are not a JSON object (base64url or plain JSON): ${value}`;
}

/** The directives that make the scripted model call `tool` with `args` (base64url JSON). */
export function callDirectives(tool: string, args: Record<string, unknown>): string {
  const encoded = Buffer.from(JSON.stringify(args), 'utf8').toString('base64url');
  return `[[mock:call=${tool}]] [[mock:args=${encoded}]]`;
}

/**
 * `[[mock:patch=<relative path>]]`: add that file through the offered apply_patch tool (freeform
 * or JSON); without one (Claude Code, opencode, Gemini CLI), write it with a Write-like tool
 * (`Write`, `write`, `write_file`), else create it with an Edit-like tool (empty old text); else
 * say so in text.
 */
function patchPlan(
  view: ConversationView,
  directive: Directive,
  thinking: ReplyBlock[],
  delay: number,
): SteeringDecision['plan'] {
  const relativePath = directive.value || mockFileName;
  const patchTool = findPatchTool(view.tools);
  const introduction: ReplyBlock = { kind: 'text', text: 'I will apply the patch.' };
  if (patchTool) {
    const patch = buildAddFilePatch(relativePath);
    const block: ReplyBlock = patchTool.freeform
      ? { kind: 'freeform_tool_use', name: patchTool.name, input: patch }
      : { kind: 'tool_use', name: patchTool.name, input: buildPatchInput(patchTool, patch) };
    return toolUse([...thinking, introduction, block], delay);
  }
  const base = view.workingDirectory;
  const filePath = base ? path.resolve(base, relativePath) : relativePath;
  const content = `${patchedFileLine}\n`;
  const writeTool = findNamedTool(view.tools, 'Write') ?? findNamedTool(view.tools, 'write_file');
  if (writeTool) {
    const input = buildMinimalToolInput(writeTool, base);
    setPresent(input, ['file_path', 'filePath'], filePath);
    setPresent(input, ['content'], content);
    return toolUse(
      [...thinking, introduction, { kind: 'tool_use', name: writeTool.name, input }],
      delay,
    );
  }
  const editTool = findNamedTool(view.tools, 'Edit');
  if (editTool) {
    const input = buildMinimalToolInput(editTool, base);
    setPresent(input, ['file_path', 'filePath'], filePath);
    setPresent(input, ['old_string', 'oldString'], '');
    setPresent(input, ['new_string', 'newString'], content);
    return toolUse(
      [...thinking, introduction, { kind: 'tool_use', name: editTool.name, input }],
      delay,
    );
  }
  const text = 'No apply_patch, Write or Edit tool was offered, so I cannot apply the patch.';
  return endTurn([...thinking, { kind: 'text', text }], delay);
}

/** Sets each of these properties that the input already has (the schema required it). */
function setPresent(input: Record<string, unknown>, names: string[], value: unknown): void {
  for (const name of names) {
    if (name in input) {
      input[name] = value;
    }
  }
}

function toolUse(blocks: ReplyBlock[], delay: number): SteeringDecision['plan'] {
  return { kind: 'message', blocks, stopReason: 'tool_use', delayBetweenEventsMs: delay };
}

function endTurn(blocks: ReplyBlock[], delay: number): SteeringDecision['plan'] {
  return { kind: 'message', blocks, stopReason: 'end_turn', delayBetweenEventsMs: delay };
}

function decide(directive: string | undefined, plan: SteeringDecision['plan']): SteeringDecision {
  return { directive, reply: describePlan(plan), plan };
}

/** `text`, `tool_use`, `thinking+text`, `stall`, `http 500`, … */
export function describePlan(plan: SteeringDecision['plan']): string {
  switch (plan.kind) {
    case 'message': {
      const main = plan.stopReason === 'tool_use' ? 'tool_use' : 'text';
      return plan.blocks.some((block) => block.kind === 'thinking') ? `thinking+${main}` : main;
    }
    case 'stall':
      return 'stall';
    case 'http-error':
      return `http ${plan.status}`;
    case 'stream-error':
      return 'sse-error';
  }
}

function errorStatus(directive: Directive): number {
  const status = Number(directive.value);
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}
