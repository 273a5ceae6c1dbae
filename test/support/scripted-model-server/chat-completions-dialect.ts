/**
 * The OpenAI Chat Completions dialect (what opencode speaks through `@ai-sdk/openai-compatible`):
 * `POST /v1/chat/completions`, as SSE (`data: {chunk}` lines, then `data: [DONE]`) when
 * `stream: true` and as a JSON `chat.completion` otherwise.
 *
 * A title request (see isChatTitleRequest) is answered with `Mock session title`, whatever the
 * prompt's directives say. Errors use OpenAI's `{"error": {message, type, code}}` shape; a 429 or
 * 5xx also carries `retry-after-ms: 50`, which opencode honours, so that its retries (up to five)
 * take well under a second instead of its 2–30 s backoff.
 */
import type { ServerResponse } from 'node:http';
import {
  buildCompletion,
  chunkOf,
  completionChunks,
  contentChunks,
  newChatIdentifier,
  roleChunk,
} from './chat-completions-events.js';
import { isChatTitleRequest, readChatConversation } from './chat-completions-conversation.js';
import { ServerSentEventWriter } from './event-stream.js';
import { writeJsonResponse } from './json-response.js';
import { approximateTokens, asRecord, asString } from './json-values.js';
import { planMainReply, planTitleReply } from './steering.js';
import type { Dialect, Exchange, ReplyPlan } from './types.js';

const chatCompletionsPath = '/v1/chat/completions';
/** How long opencode is told to wait before retrying a 429 or 5xx. */
export const chatRetryAfterMs = 50;

export const chatCompletionsDialect: Dialect = {
  name: 'openai-chat',
  handles: (method, path) => method === 'POST' && path === chatCompletionsPath,
  prepare: prepareChatReply,
  writeError: writeChatError,
};

export function chatErrorType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

/** `{"error":{"message","type","code":null}}` with the given HTTP status. */
export function writeChatError(response: ServerResponse, status: number, message: string): void {
  const retryable = status === 429 || status >= 500;
  writeJson(
    response,
    status,
    { error: { message, type: chatErrorType(status), code: null } },
    retryable ? { 'retry-after-ms': String(chatRetryAfterMs) } : {},
  );
}

function prepareChatReply(exchange: Exchange): () => void | Promise<void> {
  const { record, response } = exchange;
  const body = asRecord(record.body);
  if (exchange.bodyParseFailed || !body) {
    record.reply = 'http 400';
    const problem = exchange.bodyParseFailed ? 'is not valid JSON' : 'must be a JSON object';
    return () => writeChatError(response, 400, `The request body ${problem}`);
  }
  const decision = isChatTitleRequest(body)
    ? planTitleReply()
    : planMainReply(readChatConversation(body));
  record.directive = decision.directive;
  record.reply = decision.reply;
  const settings: SendSettings = {
    model: decision.answeredModel ?? asString(body['model']) ?? 'scripted-model',
    promptTokens: approximateTokens(exchange.rawBody.length),
    streaming: body['stream'] === true,
    includeUsage: asRecord(body['stream_options'])?.['include_usage'] === true,
  };
  return () => sendPlan(exchange, decision.plan, settings);
}

interface SendSettings {
  model: string;
  promptTokens: number;
  streaming: boolean;
  includeUsage: boolean;
}

async function sendPlan(
  exchange: Exchange,
  plan: ReplyPlan,
  settings: SendSettings,
): Promise<void> {
  const { response } = exchange;
  switch (plan.kind) {
    case 'http-error':
      return writeChatError(
        response,
        plan.status,
        `Scripted ${plan.status} from the scripted model server`,
      );
    case 'stall': {
      exchange.trackStream();
      if (!settings.streaming) {
        // Never answer; the request stays open until the client leaves.
        return;
      }
      const pending = buildCompletion(settings.model, [], 'end_turn', settings.promptTokens);
      const textChunks = plan.textChunks.map((content) => chunkOf(pending, { content }));
      // Nothing more is sent: the response stays open until the client leaves.
      await startStream(exchange).sendAll([roleChunk(pending), ...textChunks]);
      return;
    }
    case 'stream-error': {
      const completion = buildCompletion(
        settings.model,
        plan.blocks,
        'end_turn',
        settings.promptTokens,
      );
      if (!settings.streaming) {
        return writeJson(response, 200, completion);
      }
      const writer = startStream(exchange);
      const firstContent = contentChunks(completion).slice(0, 1);
      if (await writer.sendAll([roleChunk(completion), ...firstContent])) {
        await writer.send(undefined, {
          error: {
            message: 'Scripted server error in the middle of the stream',
            type: 'server_error',
            code: null,
          },
        });
      }
      writer.end();
      return;
    }
    case 'message': {
      const completion = buildCompletion(
        settings.model,
        plan.blocks,
        plan.stopReason,
        settings.promptTokens,
      );
      if (!settings.streaming) {
        const writer = new ServerSentEventWriter(response);
        if (await writer.pause(plan.delayBetweenEventsMs)) {
          writeJson(response, 200, completion);
        }
        return;
      }
      const writer = startStream(exchange, plan.delayBetweenEventsMs);
      if (await writer.sendAll(completionChunks(completion, settings.includeUsage))) {
        await writer.sendRaw(undefined, '[DONE]');
      }
      writer.end();
      return;
    }
  }
}

function startStream(exchange: Exchange, delayBetweenEventsMs = 0): ServerSentEventWriter {
  exchange.trackStream();
  const writer = new ServerSentEventWriter(exchange.response, delayBetweenEventsMs);
  writer.start({ 'x-request-id': newChatIdentifier('req_') });
  return writer;
}

function writeJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const requestId = { 'x-request-id': newChatIdentifier('req_') };
  writeJsonResponse(response, status, body, { ...requestId, ...extraHeaders });
}
