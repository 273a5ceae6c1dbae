/**
 * The OpenAI Responses API dialect (what Codex speaks with `wire_api = "responses"`):
 * `POST /v1/responses`, as SSE when `stream: true` and as a JSON response object otherwise.
 */
import type { ServerResponse } from 'node:http';
import { ServerSentEventWriter } from './event-stream.js';
import { writeJsonResponse } from './json-response.js';
import { approximateTokens, asRecord, asString } from './json-values.js';
import { isResponsesSideRequest, readResponsesConversation } from './responses-conversation.js';
import {
  buildResponse,
  failedEvent,
  newResponsesIdentifier,
  responseEvents,
  stallEvents,
  toOutputItem,
} from './responses-events.js';
import type { ResponsesEvent } from './responses-events.js';
import { planMainReply, planSideReply } from './steering.js';
import type { Dialect, Exchange, ReplyPlan } from './types.js';

const responsesPath = '/v1/responses';

export const responsesDialect: Dialect = {
  name: 'openai-responses',
  handles: (method, path) => method === 'POST' && path === responsesPath,
  prepare: prepareResponsesReply,
  writeError: writeResponsesError,
};

export function responsesErrorType(status: number): string {
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** `{"error":{"message","type","code":null}}` with the given HTTP status. */
export function writeResponsesError(
  response: ServerResponse,
  status: number,
  message: string,
): void {
  writeJson(response, status, { error: { message, type: responsesErrorType(status), code: null } });
}

function prepareResponsesReply(exchange: Exchange): () => void | Promise<void> {
  const { record, response } = exchange;
  const body = asRecord(record.body);
  if (exchange.bodyParseFailed || !body) {
    record.reply = 'http 400';
    const problem = exchange.bodyParseFailed ? 'is not valid JSON' : 'must be a JSON object';
    return () => writeResponsesError(response, 400, `The request body ${problem}`);
  }
  const conversation = readResponsesConversation(body);
  const decision = isResponsesSideRequest(body)
    ? planSideReply(conversation)
    : planMainReply(conversation);
  record.directive = decision.directive;
  record.reply = decision.reply;
  const settings: SendSettings = {
    model: decision.answeredModel ?? asString(body['model']) ?? 'scripted-model',
    inputTokens: approximateTokens(exchange.rawBody.length),
    streaming: body['stream'] === true,
  };
  return () => sendPlan(exchange, decision.plan, settings);
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
      return writeResponsesError(
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
      const pending = buildResponse(settings.model, [], settings.inputTokens);
      await startStream(exchange, settings.model).send(stallEvents(pending, plan.textChunks));
      return;
    }
    case 'stream-error': {
      const result = buildResponse(
        settings.model,
        plan.blocks.map(toOutputItem),
        settings.inputTokens,
      );
      if (!settings.streaming) {
        return writeJson(response, 200, result);
      }
      const events = responseEvents(result);
      const firstDelta = events.findIndex((event) => event.type.endsWith('.delta'));
      const stream = startStream(exchange, settings.model);
      if (await stream.send(events.slice(0, firstDelta + 1))) {
        await stream.send([
          failedEvent(result, 'Scripted server error in the middle of the stream'),
        ]);
      }
      stream.end();
      return;
    }
    case 'message': {
      const result = buildResponse(
        settings.model,
        plan.blocks.map(toOutputItem),
        settings.inputTokens,
      );
      if (!settings.streaming) {
        const writer = new ServerSentEventWriter(response);
        if (await writer.pause(plan.delayBetweenEventsMs)) {
          writeJson(response, 200, result);
        }
        return;
      }
      const stream = startStream(exchange, settings.model, plan.delayBetweenEventsMs);
      await stream.send(responseEvents(result));
      stream.end();
      return;
    }
  }
}

/** An SSE response that numbers its events (`sequence_number`) as the Responses API does. */
class ResponsesStream {
  private sequenceNumber = 0;

  constructor(private readonly writer: ServerSentEventWriter) {}

  /** Sends each event as `event: <type>` + `data: {type, sequence_number, …}`; false once the client left. */
  async send(events: ResponsesEvent[]): Promise<boolean> {
    for (const { type, ...fields } of events) {
      const data = { type, sequence_number: this.sequenceNumber, ...fields };
      if (!(await this.writer.send(type, data))) {
        return false;
      }
      this.sequenceNumber += 1;
    }
    return true;
  }

  end(): void {
    this.writer.end();
  }
}

/** Names the answering model in `openai-model`, as the OpenAI API does (Codex compares it). */
function startStream(exchange: Exchange, model: string, delayBetweenEventsMs = 0): ResponsesStream {
  exchange.trackStream();
  const writer = new ServerSentEventWriter(exchange.response, delayBetweenEventsMs);
  writer.start({ 'x-request-id': newResponsesIdentifier('req_'), 'openai-model': model });
  return new ResponsesStream(writer);
}

function writeJson(response: ServerResponse, status: number, body: unknown): void {
  writeJsonResponse(response, status, body, { 'x-request-id': newResponsesIdentifier('req_') });
}
