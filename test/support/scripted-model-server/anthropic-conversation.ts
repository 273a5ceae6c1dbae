/**
 * Reads an Anthropic Messages API request body into the dialect-neutral ConversationView.
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

interface AnthropicMessage {
  role: string;
  /** Either a plain string or a list of content blocks. */
  content: unknown;
}

/** True when the request offers no tools: a side request such as title generation. */
export function isAnthropicSideRequest(body: JsonRecord): boolean {
  return asArray(body['tools']).length === 0;
}

/**
 * Claude Code (2.1.330) surfaces a user message that arrives during a running turn as a
 * `role: "system"` message with this header, usually right after the next tool result.
 */
const midTurnHeader = 'The user sent a new message while you were working:';
const midTurnFooter = '\n\nThis is how Claude Code surfaces';

export function readAnthropicConversation(body: JsonRecord): ConversationView {
  const messages = readMessages(body);
  const newestUserIndex = messages.findLastIndex((message) => message.role === 'user');
  const newestUser = messages[newestUserIndex];
  const earlier = newestUserIndex >= 0 ? messages.slice(0, newestUserIndex) : messages;
  const later = newestUserIndex >= 0 ? messages.slice(newestUserIndex + 1) : [];

  const earlierUserPrompts = earlier
    .map((message) => (message.role === 'user' ? userPrompt(message) : midTurnPrompt(message)))
    .filter((prompt) => prompt.length > 0);
  const newestPrompts = [newestUser ? userPrompt(newestUser) : '', ...later.map(midTurnPrompt)];

  return {
    messageCount: messages.length,
    newestUserPrompt: newestPrompts.filter((prompt) => prompt.length > 0).join('\n'),
    newestToolResults: newestUser
      ? [...toolResultTexts(newestUser), ...taskNotificationResults(newestUser)]
      : [],
    earlierUserPrompts,
    toolOutputs: messages.flatMap(toolResultTexts),
    tools: readTools(body),
    workingDirectory: findWorkingDirectory(systemTexts(body, messages)),
    structuredOutputSchema: readStructuredOutputSchema(body),
  };
}

/** The user's text carried by a mid-turn system message, or an empty string. */
function midTurnPrompt(message: AnthropicMessage): string {
  const text = message.role === 'system' ? messageText(message) : '';
  const start = text.indexOf(midTurnHeader);
  if (start < 0) {
    return '';
  }
  const rest = text.slice(start + midTurnHeader.length);
  const end = rest.indexOf(midTurnFooter);
  return stripSystemReminders(end >= 0 ? rest.slice(0, end) : rest).trim();
}

function readMessages(body: JsonRecord): AnthropicMessage[] {
  return asArray(body['messages']).flatMap((entry) => {
    const record = asRecord(entry);
    const role = asString(record?.['role']);
    return record && role ? [{ role, content: record['content'] }] : [];
  });
}

/** The text blocks of a message (or its string content), joined by newlines. */
function messageText(message: AnthropicMessage): string {
  if (typeof message.content === 'string') {
    return message.content;
  }
  return asArray(message.content)
    .map((block) => asRecord(block))
    .filter((block) => block?.['type'] === 'text')
    .map((block) => asString(block?.['text']) ?? '')
    .join('\n');
}

/** The user's own words: the message text without system reminders, trimmed. */
function userPrompt(message: AnthropicMessage): string {
  return stripSystemReminders(messageText(message)).trim();
}

function toolResultTexts(message: AnthropicMessage): string[] {
  return asArray(message.content)
    .map((block) => asRecord(block))
    .filter((block) => block?.['type'] === 'tool_result')
    .map((block) => toolResultContentText(block?.['content']));
}

/**
 * Claude Code (2.1.332, interactive) hands the model the result of an MCP tool call it moved to
 * the background (an MCP task) in a later user message, inside a system reminder:
 * `<task-notification>…<status>completed</status>…<result>\n<text>\n</result>`. That result
 * counts as a tool result of the newest message.
 */
function taskNotificationResults(message: AnthropicMessage): string[] {
  const text = messageText(message);
  return [...text.matchAll(/<task-notification>[\s\S]*?<\/task-notification>/g)].flatMap(
    ([notification]) => {
      const result = /<result>([\s\S]*?)<\/result>/.exec(notification)?.[1];
      return result === undefined ? [] : [result.trim()];
    },
  );
}

function toolResultContentText(content: unknown): string {
  if (typeof content === 'string') {
    return content.trim();
  }
  return asArray(content)
    .map((part) => {
      const block = asRecord(part);
      if (block?.['type'] === 'text') {
        return asString(block['text']) ?? '';
      }
      return block?.['type'] === 'image' ? '[image]' : '';
    })
    .join('\n')
    .trim();
}

function readTools(body: JsonRecord): ToolDescription[] {
  return asArray(body['tools']).flatMap((entry) => {
    const tool = asRecord(entry);
    const name = asString(tool?.['name']);
    if (!tool || !name) {
      return [];
    }
    return [{ name, inputSchema: asRecord(tool['input_schema']) }];
  });
}

/** Texts that may hold the system prompt: the `system` field and any `role: "system"` message. */
function systemTexts(body: JsonRecord, messages: AnthropicMessage[]): string[] {
  const system = body['system'];
  const fromSystemField =
    typeof system === 'string'
      ? [system]
      : asArray(system).map((block) => asString(asRecord(block)?.['text']) ?? '');
  const fromSystemMessages = messages
    .filter((message) => message.role === 'system')
    .map(messageText);
  return [...fromSystemField, ...fromSystemMessages, ...messages.map(messageText)];
}

function readStructuredOutputSchema(body: JsonRecord): JsonSchema | undefined {
  const format =
    asRecord(asRecord(body['output_config'])?.['format']) ?? asRecord(body['output_format']);
  if (format?.['type'] !== 'json_schema') {
    return undefined;
  }
  return asRecord(format['schema']);
}
