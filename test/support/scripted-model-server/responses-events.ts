/**
 * Builds OpenAI Responses API payloads from a reply plan: the complete response object
 * (non-streaming replies, and the payload of `response.completed`) and the SSE events that
 * stream it in the order Codex accepts:
 * `response.created`, `response.in_progress`, per output item `response.output_item.added` →
 * content / argument deltas → `response.output_item.done`, then `response.completed`.
 */
import { randomBytes } from 'node:crypto';
import { approximateTokens, splitIntoChunks } from './json-values.js';
import type { ReplyBlock } from './types.js';

export type ResponsesOutputItem =
  | {
      type: 'message';
      id: string;
      status: 'completed';
      role: 'assistant';
      content: { type: 'output_text'; text: string; annotations: unknown[] }[];
    }
  | {
      type: 'reasoning';
      id: string;
      summary: { type: 'summary_text'; text: string }[];
      encrypted_content: string | null;
    }
  | {
      type: 'function_call';
      id: string;
      status: 'completed';
      call_id: string;
      name: string;
      /** Set for a call of a tool inside a `type: "namespace"` tool. */
      namespace?: string;
      arguments: string;
    }
  | {
      type: 'custom_tool_call';
      id: string;
      status: 'completed';
      call_id: string;
      name: string;
      input: string;
    };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'failed';
  model: string;
  output: ResponsesOutputItem[];
  usage: ResponsesUsage | null;
  error: { code: string; message: string } | null;
  incomplete_details: null;
  parallel_tool_calls: boolean;
  tool_choice: 'auto';
  tools: unknown[];
  store: false;
}

/** An SSE event before numbering: the writer adds `sequence_number` when it sends it. */
export interface ResponsesEvent {
  type: string;
  [field: string]: unknown;
}

/** Splits streamed text into at least two chunks (when it has two characters) of at most `maxLength`. */
export function deltaChunks(text: string, maxLength = 12): string[] {
  const half = Math.ceil(Array.from(text).length / 2);
  return splitIntoChunks(text, Math.max(1, Math.min(maxLength, half)));
}

export function newResponsesIdentifier(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

export function toOutputItem(block: ReplyBlock): ResponsesOutputItem {
  switch (block.kind) {
    case 'text':
      return {
        type: 'message',
        id: newResponsesIdentifier('msg_'),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: block.text, annotations: [] }],
      };
    case 'thinking':
      return {
        type: 'reasoning',
        id: newResponsesIdentifier('rs_'),
        summary: [{ type: 'summary_text', text: block.thinking }],
        encrypted_content: Buffer.from(block.signature).toString('base64'),
      };
    case 'tool_use':
      return {
        type: 'function_call',
        id: newResponsesIdentifier('fc_'),
        status: 'completed',
        call_id: newResponsesIdentifier('call_'),
        ...(block.namespace
          ? { name: block.namespace.tool, namespace: block.namespace.namespace }
          : { name: block.name }),
        arguments: JSON.stringify(block.input),
      };
    case 'freeform_tool_use':
      return {
        type: 'custom_tool_call',
        id: newResponsesIdentifier('ctc_'),
        status: 'completed',
        call_id: newResponsesIdentifier('call_'),
        name: block.name,
        input: block.input,
      };
  }
}

/**
 * Plausible usage: input tokens from the request size (half of them "cached", as a prompt prefix
 * would be), output tokens from the generated characters, reasoning tokens from the summaries.
 */
export function buildUsage(inputTokens: number, output: ResponsesOutputItem[]): ResponsesUsage {
  let characters = 0;
  let reasoningCharacters = 0;
  for (const item of output) {
    switch (item.type) {
      case 'message':
        characters += item.content.reduce((total, part) => total + part.text.length, 0);
        break;
      case 'reasoning':
        reasoningCharacters += item.summary.reduce((total, part) => total + part.text.length, 0);
        break;
      case 'function_call':
        characters += item.name.length + item.arguments.length;
        break;
      case 'custom_tool_call':
        characters += item.name.length + item.input.length;
        break;
    }
  }
  const reasoningTokens = reasoningCharacters > 0 ? approximateTokens(reasoningCharacters) : 0;
  const outputTokens = approximateTokens(characters) + reasoningTokens;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: Math.floor(inputTokens / 2) },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}

export function buildResponse(
  model: string,
  output: ResponsesOutputItem[],
  inputTokens: number,
): ResponseObject {
  return {
    id: newResponsesIdentifier('resp_'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model,
    output,
    usage: buildUsage(inputTokens, output),
    error: null,
    incomplete_details: null,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    store: false,
  };
}

/** The response as announced before any output: in progress, no output, no usage. */
function pendingResponse(response: ResponseObject): ResponseObject {
  return { ...response, status: 'in_progress', output: [], usage: null };
}

/** `response.created` and `response.in_progress`. */
export function openingEvents(response: ResponseObject): ResponsesEvent[] {
  const pending = pendingResponse(response);
  return [
    { type: 'response.created', response: pending },
    { type: 'response.in_progress', response: pending },
  ];
}

/** `response.output_item.added`, the item's deltas and `response.output_item.done`. */
export function outputItemEvents(item: ResponsesOutputItem, outputIndex: number): ResponsesEvent[] {
  const itemFields = { item_id: item.id, output_index: outputIndex };
  const added = (pending: Record<string, unknown>): ResponsesEvent => ({
    type: 'response.output_item.added',
    output_index: outputIndex,
    item: { ...item, ...pending },
  });
  const done: ResponsesEvent = {
    type: 'response.output_item.done',
    output_index: outputIndex,
    item,
  };
  switch (item.type) {
    case 'message':
      return [
        added({ status: 'in_progress', content: [] }),
        ...item.content.flatMap((part, contentIndex) => {
          const partFields = { ...itemFields, content_index: contentIndex };
          return [
            {
              type: 'response.content_part.added',
              ...partFields,
              part: { ...part, text: '' },
            },
            ...deltaChunks(part.text).map((delta) => ({
              type: 'response.output_text.delta',
              ...partFields,
              delta,
            })),
            { type: 'response.output_text.done', ...partFields, text: part.text },
            { type: 'response.content_part.done', ...partFields, part },
          ];
        }),
        done,
      ];
    case 'reasoning':
      return [
        added({ summary: [] }),
        ...item.summary.flatMap((part, summaryIndex) => {
          const partFields = { ...itemFields, summary_index: summaryIndex };
          return [
            {
              type: 'response.reasoning_summary_part.added',
              ...partFields,
              part: { ...part, text: '' },
            },
            ...deltaChunks(part.text).map((delta) => ({
              type: 'response.reasoning_summary_text.delta',
              ...partFields,
              delta,
            })),
            { type: 'response.reasoning_summary_text.done', ...partFields, text: part.text },
            { type: 'response.reasoning_summary_part.done', ...partFields, part },
          ];
        }),
        done,
      ];
    case 'function_call':
      return [
        added({ status: 'in_progress', arguments: '' }),
        ...deltaChunks(item.arguments, 16).map((delta) => ({
          type: 'response.function_call_arguments.delta',
          ...itemFields,
          delta,
        })),
        { type: 'response.function_call_arguments.done', ...itemFields, arguments: item.arguments },
        done,
      ];
    case 'custom_tool_call':
      return [
        added({ status: 'in_progress', input: '' }),
        ...deltaChunks(item.input, 16).map((delta) => ({
          type: 'response.custom_tool_call_input.delta',
          ...itemFields,
          delta,
        })),
        { type: 'response.custom_tool_call_input.done', ...itemFields, input: item.input },
        done,
      ];
  }
}

/** Every event of a complete streamed response, in order. */
export function responseEvents(response: ResponseObject): ResponsesEvent[] {
  return [
    ...openingEvents(response),
    ...response.output.flatMap((item, index) => outputItemEvents(item, index)),
    { type: 'response.completed', response },
  ];
}

/** The opening events and the start of a text message streaming these chunks (for a stall). */
export function stallEvents(response: ResponseObject, textChunks: string[]): ResponsesEvent[] {
  const message = toOutputItem({ kind: 'text', text: textChunks.join('') });
  const started = outputItemEvents(message, 0);
  const firstDelta = started.findIndex((event) => event.type === 'response.output_text.delta');
  const fields = { item_id: message.id, output_index: 0, content_index: 0 };
  return [
    ...openingEvents(response),
    ...started.slice(0, firstDelta),
    ...textChunks.map((delta) => ({ type: 'response.output_text.delta', ...fields, delta })),
  ];
}

/** `response.failed` with a server error, for a stream that breaks in the middle. */
export function failedEvent(response: ResponseObject, message: string): ResponsesEvent {
  return {
    type: 'response.failed',
    response: {
      ...response,
      status: 'failed',
      output: [],
      usage: null,
      error: { code: 'server_error', message },
    },
  };
}
