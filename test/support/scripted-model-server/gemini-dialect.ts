/**
 * The Gemini API dialect (what the Gemini CLI speaks through `@google/genai`):
 * `POST /v1beta/models/<model>:streamGenerateContent?alt=sse` (SSE, one
 * `data: <GenerateContentResponse>` per chunk), `:generateContent` (one JSON response; the CLI's
 * JSON-mode side calls) and `:countTokens`.
 *
 * JSON-mode requests (see readGeminiJsonSchema) are side calls the CLI makes on its own (the
 * next-speaker check, the `auto` model router): they get a value that fits their schema — the
 * first enum value, so the next speaker is `user` — whatever the prompt's directives say. Errors
 * use Google's `{"error": {code, message, status}}` shape.
 */
import type { ServerResponse } from 'node:http';
import { ServerSentEventWriter } from './event-stream.js';
import {
  buildGeminiResponse,
  geminiResponseChunks,
  newGeminiResponseId,
  textChunks,
  type GeminiResponseContext,
} from './gemini-events.js';
import { readGeminiConversation, readGeminiJsonSchema } from './gemini-conversation.js';
import { writeJsonResponse } from './json-response.js';
import { approximateTokens, asRecord } from './json-values.js';
import { planMainReply, planSideReply } from './steering.js';
import type { Dialect, Exchange, ReplyPlan } from './types.js';

const geminiPath =
  /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens)$/;

export const geminiDialect: Dialect = {
  name: 'gemini',
  handles: (method, path) => method === 'POST' && geminiPath.test(path),
  prepare: prepareGeminiReply,
  writeError: writeGeminiError,
};

/** The `status` Google's APIs put beside an HTTP status. */
export function geminiErrorStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

/** `{"error":{"code","message","status"}}` with the given HTTP status. */
export function writeGeminiError(response: ServerResponse, status: number, message: string): void {
  writeJsonResponse(response, status, {
    error: { code: status, message, status: geminiErrorStatus(status) },
  });
}

function prepareGeminiReply(exchange: Exchange): () => void | Promise<void> {
  const { record, response } = exchange;
  const body = asRecord(record.body);
  if (exchange.bodyParseFailed || !body) {
    record.reply = 'http 400';
    const problem = exchange.bodyParseFailed ? 'is not valid JSON' : 'must be a JSON object';
    return () => writeGeminiError(response, 400, `The request body ${problem}`);
  }
  const [, model = 'scripted-model', method] = geminiPath.exec(record.path) ?? [];
  const promptTokens = approximateTokens(exchange.rawBody.length);
  if (method === 'countTokens') {
    record.reply = 'count_tokens';
    return () => writeJsonResponse(response, 200, { totalTokens: promptTokens });
  }
  const conversation = readGeminiConversation(body);
  const decision = readGeminiJsonSchema(body)
    ? planSideReply(conversation)
    : planMainReply(conversation);
  record.directive = decision.directive;
  record.reply = decision.reply;
  const context = { model, responseId: newGeminiResponseId() };
  const streaming = method === 'streamGenerateContent';
  return () => sendPlan(exchange, decision.plan, { context, promptTokens, streaming });
}

interface SendSettings {
  context: GeminiResponseContext;
  promptTokens: number;
  streaming: boolean;
}

async function sendPlan(
  exchange: Exchange,
  plan: ReplyPlan,
  settings: SendSettings,
): Promise<void> {
  const { response } = exchange;
  const { context, promptTokens } = settings;
  switch (plan.kind) {
    case 'http-error':
      return writeGeminiError(
        response,
        plan.status,
        `Scripted ${plan.status} from the scripted model server`,
      );
    case 'stall':
      exchange.trackStream();
      if (settings.streaming) {
        // Nothing more is sent: the response stays open until the client leaves.
        await startStream(exchange).sendAll(textChunks(context, plan.textChunks));
      }
      return;
    case 'stream-error': {
      if (!settings.streaming) {
        return writeJsonResponse(
          response,
          200,
          buildGeminiResponse(context, plan.blocks, promptTokens),
        );
      }
      const writer = startStream(exchange);
      const [first] = geminiResponseChunks(context, plan.blocks, promptTokens);
      if (first && (await writer.sendAll([first])) && writer.isOpen()) {
        // The SDK reads a bare JSON error object in the stream as the API failing mid-answer.
        const error = { code: 500, message: 'Scripted server error in the middle of the stream' };
        response.write(JSON.stringify({ error: { ...error, status: 'INTERNAL' } }));
      }
      writer.end();
      return;
    }
    case 'message': {
      if (!settings.streaming) {
        const writer = new ServerSentEventWriter(response);
        if (await writer.pause(plan.delayBetweenEventsMs)) {
          writeJsonResponse(response, 200, buildGeminiResponse(context, plan.blocks, promptTokens));
        }
        return;
      }
      const writer = startStream(exchange, plan.delayBetweenEventsMs);
      await writer.sendAll(geminiResponseChunks(context, plan.blocks, promptTokens));
      writer.end();
      return;
    }
  }
}

function startStream(exchange: Exchange, delayBetweenEventsMs = 0): ServerSentEventWriter {
  exchange.trackStream();
  const writer = new ServerSentEventWriter(exchange.response, delayBetweenEventsMs);
  writer.start();
  return writer;
}
