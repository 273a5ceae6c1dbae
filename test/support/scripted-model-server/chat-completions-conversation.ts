/**
 * Reads an OpenAI Chat Completions request body (what opencode's `@ai-sdk/openai-compatible`
 * provider sends to `POST /v1/chat/completions`) into the dialect-neutral ConversationView.
 *
 * opencode (1.18.33) sends the whole history on every request: one `system` message (its prompt,
 * with `Working directory: <cwd>` in an `<env>` block), then `user` messages (string content, or
 * a list of `{type: "text", text}` parts when a message has several parts), `assistant` messages
 * (text content and/or `tool_calls`) and `tool` messages (`tool_call_id`, the tool's output as
 * content). Some user text is written by opencode itself ("synthetic" parts: `<system-reminder>`
 * blocks for plan mode, "Summarize the task tool output above…", "Called the Read tool with the
 * following input: …", …); it is not the user's prompt.
 *
 * Its title request is a separate call: no tools, a system prompt that starts with "You are a
 * title generator", and the user messages `Generate a title for this conversation:\n` + the prompt.
 */
import {
  asArray,
  asRecord,
  asString,
  findWorkingDirectory,
  stripSystemReminders,
} from './json-values.js';
import type { JsonRecord } from './json-values.js';
import type { ConversationView, JsonSchema, ToolDescription } from './types.js';

type ChatEntry =
  | { kind: 'system'; text: string }
  | { kind: 'user'; text: string }
  | { kind: 'injected-user'; text: string }
  | { kind: 'assistant'; text: string }
  | { kind: 'tool'; output: string }
  | { kind: 'other' };

/** Text that opencode adds as synthetic user parts: not the user's own words. */
const syntheticTexts: readonly RegExp[] = [
  /^Summarize the task tool output above and continue with your task\.$/,
  /^The following tool was executed by the user$/,
  /^Called the Read tool with the following input: /,
  /^Read tool failed to read /,
  /^Reading MCP resource: /,
  /^Continue if you have next steps, or stop and ask for clarification/,
  /^Use the above message and context to generate a prompt and call the task tool/,
  /^The plan at .* has been approved, you can now edit files\./,
];

/** The tools offered as `{type: "function", function: {name, parameters}}`. */
export function readChatTools(body: JsonRecord): ToolDescription[] {
  return asArray(body['tools']).flatMap((entry): ToolDescription[] => {
    const tool = asRecord(entry);
    const definition = asRecord(tool?.['function']);
    const name = asString(definition?.['name']);
    if (!tool || tool['type'] !== 'function' || !definition || !name) {
      return [];
    }
    return [{ name, inputSchema: asRecord(definition['parameters']) }];
  });
}

/**
 * True for a title-generation request: no tools, and the system prompt of a title generator or a
 * user message asking for a title.
 */
export function isChatTitleRequest(body: JsonRecord): boolean {
  if (readChatTools(body).length > 0) {
    return false;
  }
  return readEntries(body).some(
    (entry) =>
      (entry.kind === 'system' && /\btitle generator\b/i.test(entry.text)) ||
      (entry.kind === 'user' && /^Generate a title for this conversation\b/i.test(entry.text)),
  );
}

export function readChatConversation(body: JsonRecord): ConversationView {
  const entries = readEntries(body);

  // The user's newest words: the newest real user message, unless a model-side message (an
  // answer, a tool call or a tool result) came after it.
  const lastModelSide = entries.findLastIndex(
    (entry) => entry.kind === 'assistant' || entry.kind === 'tool',
  );
  const lastUser = entries.findLastIndex((entry) => entry.kind === 'user');
  const newestUser = lastUser > lastModelSide ? entries[lastUser] : undefined;

  // Tool results after the newest assistant or real user message answer the newest tool calls.
  const lastMessage = entries.findLastIndex(
    (entry) => entry.kind === 'user' || entry.kind === 'assistant',
  );
  const toolOutputsOf = (list: ChatEntry[]): string[] =>
    list.flatMap((entry) => (entry.kind === 'tool' ? [entry.output] : []));

  return {
    messageCount: entries.length,
    newestUserPrompt: newestUser?.kind === 'user' ? newestUser.text : '',
    newestToolResults: toolOutputsOf(entries.slice(lastMessage + 1)),
    earlierUserPrompts: entries.flatMap((entry) =>
      entry.kind === 'user' && entry !== newestUser ? [entry.text] : [],
    ),
    toolOutputs: toolOutputsOf(entries),
    tools: readChatTools(body),
    workingDirectory: findWorkingDirectory(
      entries.flatMap((entry) => (entry.kind === 'system' ? [entry.text] : [])),
    ),
    structuredOutputSchema: readStructuredOutputSchema(body),
  };
}

function readEntries(body: JsonRecord): ChatEntry[] {
  return asArray(body['messages']).map((message) => classifyMessage(asRecord(message)));
}

function classifyMessage(message: JsonRecord | undefined): ChatEntry {
  const role = asString(message?.['role']) ?? '';
  const content = message?.['content'];
  switch (role) {
    case 'system':
    case 'developer':
      return { kind: 'system', text: contentTexts(content).join('\n') };
    case 'user': {
      const parts = contentTexts(content);
      const ownWords = parts
        .filter((part) => !isSyntheticText(part))
        .map((part) => stripSystemReminders(part).trim())
        .filter((part) => part.length > 0);
      return ownWords.length > 0
        ? { kind: 'user', text: ownWords.join('\n') }
        : { kind: 'injected-user', text: parts.join('\n') };
    }
    case 'assistant':
      return { kind: 'assistant', text: contentTexts(content).join('\n') };
    case 'tool':
    case 'function':
      return { kind: 'tool', output: contentTexts(content).join('\n').trim() };
    default:
      return { kind: 'other' };
  }
}

/** A plain string content, or the texts of the `text` parts of a content list. */
function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') {
    return [content];
  }
  return asArray(content).flatMap((part) => {
    const record = asRecord(part);
    const text = record?.['type'] === 'text' ? asString(record['text']) : undefined;
    return text !== undefined ? [text] : [];
  });
}

function isSyntheticText(text: string): boolean {
  const trimmed = text.trim();
  return syntheticTexts.some((pattern) => pattern.test(trimmed));
}

/** `response_format` of type `json_schema`. */
function readStructuredOutputSchema(body: JsonRecord): JsonSchema | undefined {
  const format = asRecord(body['response_format']);
  if (format?.['type'] !== 'json_schema') {
    return undefined;
  }
  return asRecord(asRecord(format['json_schema'])?.['schema']);
}
