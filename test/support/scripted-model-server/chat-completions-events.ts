/**
 * Builds OpenAI Chat Completions payloads from a reply plan: the complete `chat.completion`
 * object (non-streaming replies) and the `chat.completion.chunk` objects that stream the same
 * completion in the shape opencode's `@ai-sdk/openai-compatible` provider accepts:
 * a `{role: "assistant", content: ""}` delta, `reasoning_content` pieces, `content` pieces, per
 * tool call a delta with `{index, id, type: "function", function: {name, arguments: ""}}` then
 * argument pieces, a chunk with an empty delta and the `finish_reason`, and (when the client asked
 * for `stream_options.include_usage`) a last chunk with no choices and the `usage`.
 */
import { randomBytes } from 'node:crypto';
import { approximateTokens, splitIntoChunks } from './json-values.js';
import type { ReplyBlock, StopReason } from './types.js';

export type ChatFinishReason = 'stop' | 'tool_calls';

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatAssistantMessage {
  role: 'assistant';
  content: string | null;
  /** The thinking text, in the field DeepSeek-style providers use (opencode reads it). */
  reasoning_content?: string;
  tool_calls?: ChatToolCall[];
  refusal: null;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: ChatAssistantMessage;
      finish_reason: ChatFinishReason;
      logprobs: null;
    },
  ];
  usage: ChatUsage;
}

export interface ChatChunkDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  tool_calls?: {
    index: number;
    id?: string;
    type?: 'function';
    function: { name?: string; arguments: string };
  }[];
}

export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: 0; delta: ChatChunkDelta; finish_reason: ChatFinishReason | null }[];
  usage?: ChatUsage;
}

export function newChatIdentifier(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** Splits streamed text into at least two pieces (when it has two characters) of at most `maxLength`. */
function pieces(text: string, maxLength = 12): string[] {
  const half = Math.ceil(Array.from(text).length / 2);
  return splitIntoChunks(text, Math.max(1, Math.min(maxLength, half)));
}

/**
 * The assistant message of a plan's blocks: the texts joined into `content`, the thinking into
 * `reasoning_content`, and tool calls (a freeform call becomes a function call with `{input}`).
 */
export function buildAssistantMessage(blocks: ReplyBlock[]): ChatAssistantMessage {
  const texts: string[] = [];
  const thinking: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'text':
        texts.push(block.text);
        break;
      case 'thinking':
        thinking.push(block.thinking);
        break;
      case 'tool_use':
      case 'freeform_tool_use':
        toolCalls.push({
          id: newChatIdentifier('call_'),
          type: 'function',
          function: {
            name: block.name,
            arguments: JSON.stringify(
              block.kind === 'tool_use' ? block.input : { input: block.input },
            ),
          },
        });
        break;
    }
  }
  return {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('\n\n') : null,
    ...(thinking.length > 0 ? { reasoning_content: thinking.join('\n\n') } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    refusal: null,
  };
}

/** Plausible usage: prompt tokens from the request size, completion tokens from the output. */
export function buildChatUsage(promptTokens: number, message: ChatAssistantMessage): ChatUsage {
  const characters =
    (message.content?.length ?? 0) +
    (message.tool_calls ?? []).reduce(
      (total, call) => total + call.function.name.length + call.function.arguments.length,
      0,
    );
  const reasoningCharacters = message.reasoning_content?.length ?? 0;
  const reasoningTokens = reasoningCharacters > 0 ? approximateTokens(reasoningCharacters) : 0;
  const completionTokens = approximateTokens(characters) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

export function buildCompletion(
  model: string,
  blocks: ReplyBlock[],
  stopReason: StopReason,
  promptTokens: number,
): ChatCompletion {
  const message = buildAssistantMessage(blocks);
  const finishReason: ChatFinishReason =
    stopReason === 'tool_use' && message.tool_calls ? 'tool_calls' : 'stop';
  return {
    id: newChatIdentifier('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: buildChatUsage(promptTokens, message),
  };
}

/** A chunk of this completion with one choice carrying `delta`. */
export function chunkOf(
  completion: ChatCompletion,
  delta: ChatChunkDelta,
  finishReason: ChatFinishReason | null = null,
): ChatChunk {
  return {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** The opening chunk: `{role: "assistant", content: ""}`. */
export function roleChunk(completion: ChatCompletion): ChatChunk {
  return chunkOf(completion, { role: 'assistant', content: '' });
}

/** The chunks of the message's reasoning, content and tool calls (no opening, no finish). */
export function contentChunks(completion: ChatCompletion): ChatChunk[] {
  const { message } = completion.choices[0];
  const chunks: ChatChunk[] = [];
  if (message.reasoning_content) {
    for (const piece of pieces(message.reasoning_content)) {
      chunks.push(chunkOf(completion, { reasoning_content: piece }));
    }
  }
  if (message.content) {
    for (const piece of pieces(message.content)) {
      chunks.push(chunkOf(completion, { content: piece }));
    }
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    chunks.push(
      chunkOf(completion, {
        tool_calls: [
          {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of pieces(call.function.arguments, 16)) {
      chunks.push(chunkOf(completion, { tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  return chunks;
}

/** Every chunk of a complete streamed completion, in order (the `[DONE]` sentinel excluded). */
export function completionChunks(completion: ChatCompletion, includeUsage: boolean): ChatChunk[] {
  const finish = chunkOf(completion, {}, completion.choices[0].finish_reason);
  const usage: ChatChunk[] = includeUsage
    ? [{ ...chunkOf(completion, {}), choices: [], usage: completion.usage }]
    : [];
  return [roleChunk(completion), ...contentChunks(completion), finish, ...usage];
}
