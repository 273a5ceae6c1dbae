/**
 * Builds Anthropic Messages API payloads from a reply plan: the complete message (non-streaming
 * replies) and the list of SSE events that stream the same message.
 */
import { randomBytes } from 'node:crypto';
import { approximateTokens, splitIntoChunks } from './json-values.js';
import type { ReplyBlock, StopReason } from './types.js';

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: null;
  usage: AnthropicUsage;
}

interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface StreamEvent {
  event: string;
  data: { type: string } & Record<string, unknown>;
}

export function newIdentifier(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

export function toContentBlock(block: ReplyBlock): AnthropicContentBlock {
  switch (block.kind) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'tool_use':
      return {
        type: 'tool_use',
        id: newIdentifier('toolu_'),
        name: block.name,
        input: block.input,
      };
    case 'freeform_tool_use':
      // The Messages API has no freeform tools; steering only plans this for tools that are.
      return {
        type: 'tool_use',
        id: newIdentifier('toolu_'),
        name: block.name,
        input: { input: block.input },
      };
  }
}

/** Output tokens: a quarter of the generated characters, rounded up, at least one. */
export function countOutputTokens(content: AnthropicContentBlock[]): number {
  const characters = content
    .map((block) => {
      switch (block.type) {
        case 'text':
          return block.text.length;
        case 'thinking':
          return block.thinking.length;
        case 'tool_use':
          return JSON.stringify(block.input).length;
      }
    })
    .reduce((total, length) => total + length, 0);
  return approximateTokens(characters);
}

export function buildMessage(
  model: string,
  content: AnthropicContentBlock[],
  stopReason: StopReason,
  inputTokens: number,
): AnthropicMessage {
  return {
    id: newIdentifier('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: usage(inputTokens, countOutputTokens(content)),
  };
}

/** `message_start` (with empty content and output_tokens 1) followed by one `ping`. */
export function openingEvents(message: AnthropicMessage): StreamEvent[] {
  const startedMessage = {
    ...message,
    content: [],
    stop_reason: null,
    usage: usage(message.usage.input_tokens, 1),
  };
  return [
    { event: 'message_start', data: { type: 'message_start', message: startedMessage } },
    { event: 'ping', data: { type: 'ping' } },
  ];
}

/** `content_block_start`, its deltas and `content_block_stop` for one block. */
export function contentBlockEvents(block: AnthropicContentBlock, index: number): StreamEvent[] {
  const events: StreamEvent[] = [];
  const delta = (payload: Record<string, unknown>): void => {
    events.push({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index, delta: payload },
    });
  };
  switch (block.type) {
    case 'text':
      events.push(blockStart(index, { type: 'text', text: '' }));
      splitIntoChunks(block.text).forEach((text) => delta({ type: 'text_delta', text }));
      break;
    case 'thinking':
      events.push(blockStart(index, { type: 'thinking', thinking: '', signature: '' }));
      splitIntoChunks(block.thinking).forEach((thinking) =>
        delta({ type: 'thinking_delta', thinking }),
      );
      delta({ type: 'signature_delta', signature: block.signature });
      break;
    case 'tool_use':
      events.push(
        blockStart(index, { type: 'tool_use', id: block.id, name: block.name, input: {} }),
      );
      splitIntoChunks(JSON.stringify(block.input), 16).forEach((partial_json) =>
        delta({ type: 'input_json_delta', partial_json }),
      );
      break;
  }
  events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  return events;
}

/** `message_delta` with the stop reason and output usage, then `message_stop`. */
export function closingEvents(message: AnthropicMessage): StreamEvent[] {
  return [
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: { output_tokens: message.usage.output_tokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

/** Every event of a complete streamed message, in order. */
export function messageEvents(message: AnthropicMessage): StreamEvent[] {
  return [
    ...openingEvents(message),
    ...message.content.flatMap((block, index) => contentBlockEvents(block, index)),
    ...closingEvents(message),
  ];
}

function blockStart(index: number, contentBlock: Record<string, unknown>): StreamEvent {
  return {
    event: 'content_block_start',
    data: { type: 'content_block_start', index, content_block: contentBlock },
  };
}

function usage(inputTokens: number, outputTokens: number): AnthropicUsage {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}
