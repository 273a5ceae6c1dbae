import type { AgentEvent, RunEndEvent, Usage } from '../../events/index.js';
import type { AgentDecoder } from '../kit/agent-decoder.js';
import { createRunLifecycle } from '../kit/run-lifecycle.js';
import { truncate } from '../kit/truncate-text.js';
import { eventForServerRequest } from './codex-approvals.js';
import type { CodexTranscriptEntry } from './codex-app-server-client.js';
import { isToolItem, subjectOf, toolCallFor, toolResultFor } from './codex-item-events.js';
import { noticeFrom, planUpdateFrom } from './codex-notice-events.js';
import { createCodexTranscriptReader, type CodexTranscriptMessage } from './codex-transcript.js';
import {
  describeCodexError,
  errorCodeFor,
  runEndFromOutcome,
  runEndFromRefusal,
  runEndFromTurn,
  subtractUsage,
  usageFrom,
  type CodexProcessOutcome,
  type CodexTurnFacts,
} from './codex-run-end.js';
import {
  codexErrorNotificationSchema,
  codexItemDeltaSchema,
  codexItemNotificationSchema,
  codexMappedItemTypes,
  codexRpcErrorSchema,
  codexThreadItemSchema,
  codexThreadResultSchema,
  codexTokenUsageNotificationSchema,
  codexTurnCompletedSchema,
  codexTurnErrorSchema,
  codexTurnResultSchema,
  type CodexAgentMessageItem,
  type CodexThreadItem,
  type CodexTokenUsageBreakdown,
  type CodexTurnError,
} from './codex-wire.js';

export interface CodexDecoderOptions {
  /** The working directory the run was started in (reported by `run-start`). */
  cwd: string;
  provider: string;
}

/**
 * One transcript line in (sent or received), the normalized events it means out. `flush` after
 * the connection ended (or the turn settled); an interrupted turn takes its status from
 * `outcome.aborted`.
 */
export interface CodexDecoder extends AgentDecoder<CodexTranscriptEntry, CodexProcessOutcome> {
  /** The turn is over (completed, failed or interrupted): nothing more is needed but `flush`. */
  readonly isSettled: boolean;
}

/**
 * Turns a Codex app-server transcript (every line we sent and received) into normalized
 * events: exactly one `run-start` (when the thread is known, or synthesized) and exactly one
 * `run-end` last. Only the run's own thread and turn count; notifications of other threads
 * (sub-agents) are skipped. The final text is the turn's answer: the agent messages Codex
 * reports in `turn/completed`, else the last message that is not a preamble.
 */
export function createCodexDecoder(options: CodexDecoderOptions): CodexDecoder {
  const facts: CodexTurnFacts = { text: '' };
  const transcript = createCodexTranscriptReader();
  const itemSubjects = new Map<string, string>();
  const messages: CodexAgentMessageItem[] = [];
  const messageDeltas = new Map<string, string>();
  let lastMessageId: string | undefined;
  let turnId: string | undefined;
  let resumeThreadId: string | undefined;
  let isInterrupted = false;
  let usageBaseline: CodexTokenUsageBreakdown | undefined;
  let lastError: CodexTurnError | undefined;
  // Notifications naming a turn before turn/start answered with ours: a resumed thread replays
  // the token usage of its last turn there.
  let heldForTurn: { method: string; params: unknown }[] = [];

  // Warnings wait for the start, which carries the thread; a tool still running when the turn
  // ended (interrupted, crashed) gets a result anyway.
  const lifecycle = createRunLifecycle(() => ({
    type: 'run-start',
    provider: options.provider,
    nativeSessionId: facts.threadId ?? resumeThreadId,
    model: facts.model,
    cwd: options.cwd,
  }));
  const { start, warn } = lifecycle;
  const end = (runEnd: RunEndEvent): AgentEvent[] =>
    lifecycle.end({ ...runEnd, nativeSessionId: runEnd.nativeSessionId ?? resumeThreadId });

  const isOtherThreadOrTurn = (params: unknown): boolean => {
    const { threadId, turnId: itsTurn } = (params ?? {}) as {
      threadId?: unknown;
      turnId?: unknown;
    };
    if (typeof threadId === 'string' && facts.threadId && threadId !== facts.threadId) return true;
    return typeof itsTurn === 'string' && turnId !== undefined && itsTurn !== turnId;
  };

  const finalText = (completedItems: unknown[] | null | undefined): string => {
    const summary = (completedItems ?? []).flatMap((item) => {
      const parsed = codexThreadItemSchema.safeParse(item);
      return parsed.success && parsed.data.type === 'agentMessage' ? [parsed.data.text] : [];
    });
    if (summary.length > 0) return summary.join('\n\n');
    const answer = messages.filter((message) => message.phase !== 'commentary').at(-1);
    if (answer) return answer.text;
    // Interrupted mid-message: what had streamed so far.
    const partial = lastMessageId === undefined ? undefined : messageDeltas.get(lastMessageId);
    return partial ?? messages.at(-1)?.text ?? '';
  };

  const decodeResponse = (
    response: Extract<CodexTranscriptMessage, { kind: 'response' }>,
  ): AgentEvent[] => {
    const { method } = response;
    if (response.error !== undefined) {
      if (method === 'turn/interrupt') return warn(`Codex refused the interrupt.`);
      const error = codexRpcErrorSchema.safeParse(response.error);
      const text = error.success ? error.data.message : JSON.stringify(response.error);
      return end(runEndFromRefusal(method, text, { ...facts, text: '' }, resumeThreadId));
    }
    if (method === 'thread/start' || method === 'thread/resume') {
      const thread = codexThreadResultSchema.safeParse(response.result);
      if (!thread.success) return warn(`Could not read the ${method} result.`);
      facts.threadId = thread.data.thread.id;
      facts.model = thread.data.model ?? undefined;
      return start();
    }
    if (method === 'turn/start') {
      const turn = codexTurnResultSchema.safeParse(response.result);
      if (turn.success) turnId = turn.data.turn.id;
      const held = heldForTurn;
      heldForTurn = [];
      return held.flatMap((notification) =>
        decodeNotification(notification.method, notification.params),
      );
    }
    return [];
  };

  const decodeItemStarted = (item: CodexThreadItem): AgentEvent[] => {
    const subject = subjectOf(item);
    if (subject !== undefined) itemSubjects.set(item.id, subject);
    if (item.type === 'agentMessage') {
      lastMessageId = item.id;
      return [];
    }
    if (!isToolItem(item) || lifecycle.isToolOpen(item.id)) return [];
    const call = toolCallFor(item);
    lifecycle.toolStarted(item.id, call.toolName);
    return [call];
  };

  const decodeItemCompleted = (item: CodexThreadItem): AgentEvent[] => {
    if (item.type === 'agentMessage') {
      messages.push(item);
      lastMessageId = item.id;
      return [{ type: 'text', blockId: item.id, text: item.text }];
    }
    if (item.type === 'reasoning') {
      const summary = (item.summary ?? []).join('\n\n');
      const content = (item.content ?? []).join('\n\n');
      const events: AgentEvent[] = [];
      if (summary) events.push({ type: 'reasoning', blockId: item.id, text: summary });
      if (content) events.push({ type: 'reasoning', blockId: `${item.id}:content`, text: content });
      return events;
    }
    const call = lifecycle.isToolOpen(item.id) ? [] : [toolCallFor(item)];
    lifecycle.toolFinished(item.id);
    return [...call, ...toolResultFor(item)];
  };

  const decodeItem = (method: string, params: unknown): AgentEvent[] => {
    const notification = codexItemNotificationSchema.safeParse(params);
    if (!notification.success) return warn(`Could not read a Codex ${method} notification.`);
    const { type } = notification.data.item;
    if (!codexMappedItemTypes.has(type)) return [];
    const item = codexThreadItemSchema.safeParse(notification.data.item);
    if (!item.success) {
      return warn(`Could not read a Codex ${type} item: ${truncate(item.error.message, 300)}`);
    }
    return method === 'item/started'
      ? decodeItemStarted(item.data)
      : decodeItemCompleted(item.data);
  };

  const decodeUsage = (params: unknown): AgentEvent[] => {
    const parsed = codexTokenUsageNotificationSchema.safeParse(params);
    if (!parsed.success) return [];
    const { total, last } = parsed.data.tokenUsage;
    // The first report of the turn tells what the thread had used before it.
    usageBaseline ??= subtractUsage(total, last);
    const usage: Usage = usageFrom(total, usageBaseline);
    facts.usage = usage;
    return [{ type: 'usage', usage }];
  };

  const decodeTurnCompleted = (params: unknown): AgentEvent[] => {
    const parsed = codexTurnCompletedSchema.safeParse(params);
    if (!parsed.success) return warn('Could not read a Codex turn/completed notification.');
    const { turn } = parsed.data;
    if (turnId !== undefined && turn.id !== turnId) return [];
    facts.text = finalText(turn.items);
    const error = readTurnError(turn.error) ?? lastError;
    const runEnd = runEndFromTurn(turn.status, error, facts);
    if (runEnd) return end(runEnd);
    isInterrupted = true;
    return [];
  };

  const decodeNotification = (method: string, params: unknown): AgentEvent[] => {
    if (isOtherThreadOrTurn(params)) return [];
    switch (method) {
      case 'item/started':
      case 'item/completed':
        return decodeItem(method, params);
      case 'item/agentMessage/delta': {
        const delta = codexItemDeltaSchema.safeParse(params);
        if (!delta.success) return [];
        const { itemId, delta: text } = delta.data;
        lastMessageId = itemId;
        messageDeltas.set(itemId, (messageDeltas.get(itemId) ?? '') + text);
        return [{ type: 'text-delta', blockId: itemId, delta: text }];
      }
      case 'item/reasoning/summaryTextDelta':
      case 'item/reasoning/textDelta': {
        const delta = codexItemDeltaSchema.safeParse(params);
        if (!delta.success) return [];
        const suffix = method === 'item/reasoning/textDelta' ? ':content' : '';
        return [
          {
            type: 'reasoning-delta',
            blockId: `${delta.data.itemId}${suffix}`,
            delta: delta.data.delta,
          },
        ];
      }
      case 'turn/plan/updated': {
        const plan = planUpdateFrom(params);
        return plan ? [plan] : [];
      }
      case 'thread/tokenUsage/updated':
        return decodeUsage(params);
      case 'error': {
        const parsed = codexErrorNotificationSchema.safeParse(params);
        if (!parsed.success) return warn('Could not read a Codex error notification.');
        const message = describeCodexError(parsed.data.error);
        if (parsed.data.willRetry) return warn(`Codex is retrying: ${message}`);
        lastError = parsed.data.error;
        return [...start(), { type: 'error', code: errorCodeFor(parsed.data.error), message }];
      }
      case 'turn/completed':
        return decodeTurnCompleted(params);
      default: {
        const notice = noticeFrom(method, params);
        if (notice === undefined) return [];
        facts.model = notice.model ?? facts.model;
        return warn(notice.message);
      }
    }
  };

  const decode = (message: CodexTranscriptMessage): AgentEvent[] => {
    switch (message.kind) {
      case 'request': {
        const threadId = (message.params as { threadId?: unknown } | undefined)?.threadId;
        if (message.method === 'thread/resume' && typeof threadId === 'string') {
          resumeThreadId = threadId;
        }
        return [];
      }
      case 'response':
        return decodeResponse(message);
      case 'notification': {
        const itsTurn = (message.params as { turnId?: unknown } | undefined)?.turnId;
        if (turnId === undefined && typeof itsTurn === 'string') {
          heldForTurn.push({ method: message.method, params: message.params });
          return [];
        }
        return decodeNotification(message.method, message.params);
      }
      case 'server-request':
        return [];
      case 'reply': {
        if (isOtherThreadOrTurn(message.request.params)) return [];
        const event = eventForServerRequest(message.request, message.reply, {
          itemSubject: (itemId) => itemSubjects.get(itemId),
        });
        return event.type === 'warning' ? warn(event.message) : [...start(), event];
      }
      case 'malformed':
        return warn(`Codex app-server ${message.problem}`);
    }
  };

  return {
    push(entry) {
      if (lifecycle.hasEnded) return [];
      const message = transcript.read(entry);
      return message === undefined ? [] : decode(message);
    },

    flush(outcome) {
      if (lifecycle.hasEnded) return [];
      facts.text = facts.text || finalText(undefined);
      return end(runEndFromOutcome(outcome, facts, isInterrupted));
    },

    get isSettled() {
      return lifecycle.hasEnded || isInterrupted;
    },
  };
}

function readTurnError(error: unknown): CodexTurnError | undefined {
  const parsed = codexTurnErrorSchema.safeParse(error);
  return parsed.success ? parsed.data : undefined;
}
