/**
 * Reads an OpenAI Responses API request body (what Codex sends to `POST /v1/responses`) into the
 * dialect-neutral ConversationView.
 *
 * Codex sends the whole history as `input` items on every request: `message` items (roles
 * `developer`, `user`, `assistant`; content parts `input_text` / `output_text`), `reasoning`,
 * `function_call` + `function_call_output`, and `custom_tool_call` + `custom_tool_call_output`.
 * Some `user` messages are written by Codex itself (`<environment_context>`, AGENTS.md
 * instructions, `<turn_aborted>`, …); they are not the user's prompts.
 */
import { asArray, asRecord, asString } from './json-values.js';
import type { JsonRecord } from './json-values.js';
import type { ConversationView, JsonSchema, ToolDescription } from './types.js';

type InputItem =
  | { kind: 'user'; text: string }
  | { kind: 'injected-user'; text: string }
  | { kind: 'developer'; text: string }
  | { kind: 'assistant'; text: string }
  | { kind: 'tool-call' }
  | { kind: 'tool-output'; output: string }
  | { kind: 'reasoning' }
  | { kind: 'other' };

/** True when the request offers no tools: a side request rather than an agent turn. */
export function isResponsesSideRequest(body: JsonRecord): boolean {
  return readResponsesTools(body).length === 0;
}

export function readResponsesConversation(body: JsonRecord): ConversationView {
  const rawItems = readInputItems(body);
  const items = rawItems.map(classifyItem);

  // The user's newest words: the newest real user message, unless a model-side item (an answer,
  // a tool call or its output) came after it. An interrupted turn leaves its prompt without an
  // answer, so only the newest message counts.
  const lastModelSide = items.findLastIndex(isModelSide);
  const lastUser = items.findLastIndex((item) => item.kind === 'user');
  const newestUser = lastUser > lastModelSide ? items[lastUser] : undefined;
  const newestPrompt = newestUser?.kind === 'user' ? newestUser.text : '';

  // Tool outputs that arrived after the newest user or assistant message answer the newest calls.
  const lastMessage = items.findLastIndex(
    (item) => item.kind === 'user' || item.kind === 'assistant',
  );
  const newestToolResults = items
    .slice(lastMessage + 1)
    .flatMap((item) => (item.kind === 'tool-output' ? [item.output] : []));

  const earlierUserPrompts = items.flatMap((item) =>
    item.kind === 'user' && item !== newestUser ? [item.text] : [],
  );

  return {
    messageCount: rawItems.length,
    newestUserPrompt: newestPrompt,
    newestToolResults,
    earlierUserPrompts,
    toolOutputs: items.flatMap((item) => (item.kind === 'tool-output' ? [item.output] : [])),
    tools: readResponsesTools(body),
    workingDirectory: findCodexWorkingDirectory(items),
    structuredOutputSchema: readStructuredOutputSchema(body),
  };
}

/** `input` as a list of records; a plain string input counts as one user message. */
function readInputItems(body: JsonRecord): JsonRecord[] {
  const input = body['input'];
  if (typeof input === 'string') {
    return [{ type: 'message', role: 'user', content: input }];
  }
  return asArray(input).flatMap((entry) => {
    const record = asRecord(entry);
    return record ? [record] : [];
  });
}

function classifyItem(item: JsonRecord): InputItem {
  const type = asString(item['type']) ?? (item['role'] !== undefined ? 'message' : '');
  switch (type) {
    case 'message':
      return classifyMessage(item);
    case 'function_call':
    case 'custom_tool_call':
    case 'local_shell_call':
    case 'tool_search_call':
    case 'web_search_call':
      return { kind: 'tool-call' };
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'local_shell_call_output':
      return { kind: 'tool-output', output: stripToolOutputWrapper(outputText(item['output'])) };
    case 'reasoning':
      return { kind: 'reasoning' };
    default:
      return { kind: 'other' };
  }
}

function classifyMessage(item: JsonRecord): InputItem {
  const role = asString(item['role']) ?? '';
  const parts = contentTexts(item['content']);
  switch (role) {
    case 'user': {
      const ownWords = parts.filter((part) => !isInjectedText(part));
      return ownWords.length > 0
        ? { kind: 'user', text: ownWords.join('\n').trim() }
        : { kind: 'injected-user', text: parts.join('\n') };
    }
    case 'assistant':
      return { kind: 'assistant', text: parts.join('\n') };
    case 'developer':
    case 'system':
      return { kind: 'developer', text: parts.join('\n') };
    default:
      return { kind: 'other' };
  }
}

function isModelSide(item: InputItem): boolean {
  return (
    item.kind === 'assistant' ||
    item.kind === 'tool-call' ||
    item.kind === 'tool-output' ||
    item.kind === 'reasoning'
  );
}

/** The texts of `input_text` / `output_text` / `text` parts (or a plain string content). */
function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') {
    return [content];
  }
  return asArray(content).flatMap((part) => {
    const record = asRecord(part);
    const text = asString(record?.['text']);
    return text !== undefined && text.trim().length > 0 ? [text] : [];
  });
}

/**
 * Text that Codex adds to user messages by itself: one whole `<tag>…</tag>` block (environment
 * context, user instructions, turn_aborted, skills, …) or AGENTS.md instructions.
 */
export function isInjectedText(text: string): boolean {
  const trimmed = text.trim();
  if (/^# AGENTS\.md instructions\b/.test(trimmed)) {
    return true;
  }
  const match = /^<([A-Za-z][\w-]*(?: [\w-]+)*)(?:\s[^>]*)?>/.exec(trimmed);
  const tag = match?.[1];
  return tag !== undefined && trimmed.endsWith(`</${tag}>`);
}

/** A tool output's text: a string, or the text parts of a content list. */
function outputText(output: unknown): string {
  if (typeof output === 'string') {
    return output;
  }
  const record = asRecord(output);
  if (record) {
    return asString(record['content']) ?? asString(record['output']) ?? JSON.stringify(record);
  }
  return contentTexts(output).join('\n');
}

/**
 * Removes the header Codex puts around a tool's output and trims it:
 * exec_command's `Chunk ID: …\nWall time: …\nProcess exited with code 0\nOriginal token count:
 * N\nOutput:\n<output>`, apply_patch's `Exit code: 0\nWall time: …\nOutput:\n<output>`, and the
 * older JSON form `{"output": "…", "metadata": {…}}`.
 */
export function stripToolOutputWrapper(output: string): string {
  const headed = /^(?:[A-Z][^\n]{0,120}\n){1,10}?Output:\n([\s\S]*)$/.exec(output);
  if (headed) {
    return (headed[1] ?? '').trim();
  }
  if (output.trimStart().startsWith('{')) {
    try {
      const parsed = asRecord(JSON.parse(output) as unknown);
      const inner = asString(parsed?.['output']);
      if (inner !== undefined) {
        return inner.trim();
      }
    } catch {
      // Not JSON after all: keep the text as it is.
    }
  }
  return output.trim();
}

/** `function` tools with their parameter schema and `custom` (freeform) tools. */
export function readResponsesTools(body: JsonRecord): ToolDescription[] {
  return asArray(body['tools']).flatMap((entry): ToolDescription[] => {
    const tool = asRecord(entry);
    const name = asString(tool?.['name']);
    if (!tool || !name) {
      return [];
    }
    switch (tool['type']) {
      case 'function':
        return [{ name, inputSchema: asRecord(tool['parameters']) }];
      case 'custom':
        return [{ name, inputSchema: undefined, freeform: true }];
      case 'namespace':
        return readNamespaceTools(name, tool['tools']);
      default:
        return [];
    }
  });
}

/**
 * The function tools inside a `type: "namespace"` tool (Codex 0.169 offers each MCP server's
 * tools this way, as namespace `mcp__<server>`), named `<namespace>__<tool>`.
 */
function readNamespaceTools(namespace: string, tools: unknown): ToolDescription[] {
  return asArray(tools).flatMap((entry): ToolDescription[] => {
    const tool = asRecord(entry);
    const name = asString(tool?.['name']);
    if (!tool || !name || tool['type'] !== 'function') {
      return [];
    }
    return [
      {
        name: `${namespace}__${name}`,
        inputSchema: asRecord(tool['parameters']),
        namespace: { namespace, tool: name },
      },
    ];
  });
}

/** The newest `<cwd>` of an `<environment_context>` (a resume adds one without a cwd). */
function findCodexWorkingDirectory(items: InputItem[]): string | undefined {
  for (const item of items.toReversed()) {
    if (item.kind === 'injected-user' || item.kind === 'user' || item.kind === 'developer') {
      const context = /<environment_context>([\s\S]*?)<\/environment_context>/.exec(item.text);
      const directory = /<cwd>([^<]*)<\/cwd>/.exec(context?.[1] ?? '')?.[1]?.trim();
      if (directory) {
        return directory;
      }
    }
  }
  return undefined;
}

/** `text.format` of type `json_schema` (Codex's per-turn `outputSchema`). */
function readStructuredOutputSchema(body: JsonRecord): JsonSchema | undefined {
  const format = asRecord(asRecord(body['text'])?.['format']);
  if (format?.['type'] !== 'json_schema') {
    return undefined;
  }
  return asRecord(format['schema']);
}
