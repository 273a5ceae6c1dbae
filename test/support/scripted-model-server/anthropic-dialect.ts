/**
 * The Anthropic Messages API dialect (what Claude Code speaks):
 * `POST /v1/messages` (SSE when `stream: true`, JSON otherwise) and `POST /v1/messages/count_tokens`.
 */
import type { ServerResponse } from 'node:http';
import { isAnthropicSideRequest, readAnthropicConversation } from './anthropic-conversation.js';
import {
  buildMessage,
  contentBlockEvents,
  messageEvents,
  newIdentifier,
  openingEvents,
  toContentBlock,
} from './anthropic-events.js';
import type { StreamEvent } from './anthropic-events.js';
import { ServerSentEventWriter } from './event-stream.js';
import { writeJsonResponse } from './json-response.js';
import { approximateTokens, asRecord, asString } from './json-values.js';
import { planMainReply, planSideReply } from './steering.js';
import type { Dialect, Exchange, ReplyPlan } from './types.js';

const messagesPath = '/v1/messages';
const countTokensPath = '/v1/messages/count_tokens';

export const anthropicDialect: Dialect = {
  name: 'anthropic',
  handles: (method, path) =>
    method === 'POST' && (path === messagesPath || path === countTokensPath),
  prepare: prepareAnthropicReply,
  writeError: writeAnthropicError,
};

export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function writeAnthropicError(
  response: ServerResponse,
  status: number,
  message: string,
): void {
  const body = { type: 'error', error: { type: anthropicErrorType(status), message } };
  writeJson(response, status, body);
}

function prepareAnthropicReply(exchange: Exchange): () => void | Promise<void> {
  const { record, response } = exchange;
  const body = asRecord(record.body);
  if (exchange.bodyParseFailed || !body) {
    record.reply = 'http 400';
    const problem = exchange.bodyParseFailed ? 'is not valid JSON' : 'must be a JSON object';
    return () => writeAnthropicError(response, 400, `The request body ${problem}`);
  }
  const inputTokens = approximateTokens(exchange.rawBody.length);
  if (record.path === countTokensPath) {
    record.reply = 'count_tokens';
    return () => writeJson(response, 200, { input_tokens: inputTokens });
  }
  const conversation = readAnthropicConversation(body);
  const decision = isAnthropicSideRequest(body)
    ? planSideReply(conversation)
    : planMainReply(conversation);
  record.directive = decision.directive;
  record.reply = decision.reply;
  const model = decision.answeredModel ?? asString(body['model']) ?? 'scripted-model';
  const streaming = body['stream'] === true;
  return () => sendPlan(exchange, decision.plan, { model, inputTokens, streaming });
}

interface SendSettings {
  model: string;
  inputTokens: number;
  streaming: boolean;
}

async function sendPlan(
  exchange: Exchange,
  plan: ReplyPlan,
  settings: SendSettings,
): Promise<void> {
  const { response } = exchange;
  switch (plan.kind) {
    case 'http-error':
      return writeAnthropicError(
        response,
        plan.status,
        `Scripted ${plan.status} from the scripted model server`,
      );
    case 'stall':
      return settings.streaming
        ? streamStall(exchange, plan.textChunks, settings)
        : holdOpen(exchange);
    case 'stream-error': {
      const content = plan.blocks.map(toContentBlock);
      const message = buildMessage(settings.model, content, 'end_turn', settings.inputTokens);
      return settings.streaming
        ? streamThenFail(exchange, messageEvents(message))
        : writeJson(response, 200, message);
    }
    case 'message': {
      const content = plan.blocks.map(toContentBlock);
      const message = buildMessage(settings.model, content, plan.stopReason, settings.inputTokens);
      const writer = new ServerSentEventWriter(response, plan.delayBetweenEventsMs);
      if (!settings.streaming) {
        if (await writer.pause(plan.delayBetweenEventsMs)) {
          writeJson(response, 200, message);
        }
        return;
      }
      exchange.trackStream();
      writer.start({ 'request-id': newIdentifier('req_') });
      await sendEvents(writer, messageEvents(message));
      writer.end();
      return;
    }
  }
}

/** message_start, the first text chunks, then nothing more until the client disconnects. */
async function streamStall(
  exchange: Exchange,
  textChunks: string[],
  settings: SendSettings,
): Promise<void> {
  const message = buildMessage(settings.model, [], 'end_turn', settings.inputTokens);
  const textEvents = contentBlockEvents({ type: 'text', text: '' }, 0).slice(0, 1);
  for (const text of textChunks) {
    textEvents.push({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    });
  }
  exchange.trackStream();
  const writer = new ServerSentEventWriter(exchange.response);
  writer.start({ 'request-id': newIdentifier('req_') });
  await sendEvents(writer, [...openingEvents(message), ...textEvents]);
}

/** A non-streaming stall: never answer; the request stays open until the client leaves. */
function holdOpen(exchange: Exchange): void {
  exchange.trackStream();
}

/** Streams up to the first content delta, then an `error` event, then ends the response. */
async function streamThenFail(exchange: Exchange, events: StreamEvent[]): Promise<void> {
  const firstDelta = events.findIndex((event) => event.event === 'content_block_delta');
  exchange.trackStream();
  const writer = new ServerSentEventWriter(exchange.response);
  writer.start({ 'request-id': newIdentifier('req_') });
  await sendEvents(writer, events.slice(0, firstDelta + 1));
  await writer.send('error', {
    type: 'error',
    error: {
      type: 'overloaded_error',
      message: 'Scripted overloaded error in the middle of the stream',
    },
  });
  writer.end();
}

async function sendEvents(writer: ServerSentEventWriter, events: StreamEvent[]): Promise<boolean> {
  for (const { event, data } of events) {
    if (!(await writer.send(event, data))) {
      return false;
    }
  }
  return true;
}

function writeJson(response: ServerResponse, status: number, body: unknown): void {
  writeJsonResponse(response, status, body, { 'request-id': newIdentifier('req_') });
}
