import type { AgentEvent, Usage } from '../../events/index.js';
import type { AgentDecoder } from '../kit/agent-decoder.js';
import { createRunLifecycle } from '../kit/run-lifecycle.js';
import { truncate } from '../kit/truncate-text.js';
import type { ApprovalPolicy } from '../kit/provider-settings.js';
import {
  permissionRequestEvent,
  questionRequestEvent,
  replyToPermission,
  replyToQuestion,
  type OpencodeReply,
} from './opencode-approvals.js';
import {
  fileChangesFor,
  planUpdateFrom,
  toolCallFor,
  toolResultFor,
} from './opencode-part-events.js';
import {
  buildOpencodeRunEnd,
  describeOpencodeError,
  sumOpencodeUsage,
  errorCodeFor,
  type OpencodeStepUsage,
  type OpencodeTurnFacts,
  type OpencodeTurnOutcome,
} from './opencode-run-end.js';
import {
  opencodeErrorSchema,
  opencodeEventSchema,
  opencodeMessageSchema,
  opencodePartDeltaSchema,
  opencodePartSchema,
  opencodePermissionAskedSchema,
  opencodeQuestionAskedSchema,
  opencodeSessionStatusSchema,
  type OpencodePart,
} from './opencode-wire.js';

export interface OpencodeDecoderOptions {
  /** The opencode session of the run: events of other sessions are skipped. */
  sessionId: string;
  /** The working directory the run was started in (reported by `run-start`). */
  cwd: string;
  provider: string;
  /** How permission requests are answered (default `decline`), for their events and replies. */
  approvals?: ApprovalPolicy;
  /** The model the run asked for, reported by `run-start`. */
  model?: string;
}

/**
 * One `/event` data payload in, the normalized events it means out; `flush` closes the stream:
 * results for unfinished tools, then the `run-end`.
 */
export interface OpencodeDecoder extends AgentDecoder<string, OpencodeTurnOutcome> {
  /** The `run-start`, once; `push` and `flush` emit it first when it has not been taken yet. */
  start(): AgentEvent[];
  /** The replies owed for the permission and question requests pushed since the last call. */
  takeReplies(): OpencodeReply[];
  /** The turn ended (`session.idle` after it started): nothing more is needed but `flush`. */
  readonly isSettled: boolean;
}

interface TurnMessage {
  text: Map<string, string>;
  model?: string;
  finish?: string;
}

/**
 * Turns opencode's `/event` bus (every event of the directory) into the normalized events of
 * one turn of one session. The bus is shared, so only the run's session counts; permission and
 * question requests of the sessions it spawns (the task tool) are answered too. The turn starts
 * with the session's first `busy` status, so leftovers of an earlier turn (the second
 * `session.idle` after an abort) are skipped, and ends with the first idle after it. Deltas are
 * routed by the type of their part (reasoning deltas come as `field: "text"` of a reasoning
 * part); the user's own parts are skipped. Usage is the sum of the turn's `step-finish` parts;
 * the final text is the text of the turn's last assistant message.
 */
export function createOpencodeDecoder(options: OpencodeDecoderOptions): OpencodeDecoder {
  const approvals = options.approvals ?? 'decline';
  const sessions = new Set([options.sessionId]);
  const messages = new Map<string, TurnMessage>();
  const partTypes = new Map<string, string>();
  const finishedParts = new Set<string>();
  // Every tool call emitted, with its name; the lifecycle knows which are still running.
  const toolNames = new Map<string, string>();
  const steps = new Map<string, OpencodeStepUsage>();
  let replies: OpencodeReply[] = [];
  let lastPlan: string | undefined;
  let isTurnStarted = false;
  const facts: OpencodeTurnFacts = {
    sessionId: options.sessionId,
    text: '',
    wasAborted: false,
    isIdle: false,
  };

  const lifecycle = createRunLifecycle(() => ({
    type: 'run-start',
    provider: options.provider,
    nativeSessionId: options.sessionId,
    ...(options.model === undefined ? {} : { model: options.model }),
    cwd: options.cwd,
  }));
  const { start, warn } = lifecycle;

  const usage = (): Usage | undefined => sumOpencodeUsage(steps.values());

  const decodeTool = (part: OpencodePart): AgentEvent[] => {
    const { callID: callId, state } = part;
    if (callId === undefined || state === undefined) return [];
    if (toolNames.has(callId) && !lifecycle.isToolOpen(callId)) return [];
    // The name can change after `pending` (an unknown tool becomes `invalid`).
    if (state.status === 'pending') return [];
    const events: AgentEvent[] = [];
    let toolName = toolNames.get(callId);
    if (toolName === undefined) {
      toolName = part.tool ?? 'unknown';
      toolNames.set(callId, toolName);
      lifecycle.toolStarted(callId, toolName);
      events.push(toolCallFor(callId, toolName, state.input));
    }
    if (state.status !== 'completed' && state.status !== 'error') return events;
    lifecycle.toolFinished(callId);
    events.push(toolResultFor(callId, toolName, state));
    events.push(...fileChangesFor(toolName, state, options.cwd));
    if (toolName === 'todowrite' && state.status === 'completed') {
      events.push(...planEvents((state.input as { todos?: unknown } | undefined)?.todos));
    }
    return events;
  };

  const planEvents = (todos: unknown): AgentEvent[] => {
    const plan = planUpdateFrom(todos);
    const key = JSON.stringify(plan?.entries);
    if (plan === undefined || key === lastPlan) return [];
    lastPlan = key;
    return [plan];
  };

  const decodePart = (part: OpencodePart): AgentEvent[] => {
    const message = messages.get(part.messageID);
    if (message === undefined || part.sessionID !== options.sessionId) return [];
    partTypes.set(part.id, part.type);
    switch (part.type) {
      case 'text':
      case 'reasoning': {
        if (part.synthetic || part.ignored) return [];
        const text = part.text ?? '';
        if (part.type === 'text') message.text.set(part.id, text);
        if (part.time?.end === undefined || finishedParts.has(part.id)) return [];
        finishedParts.add(part.id);
        return [{ type: part.type, blockId: part.id, text }];
      }
      case 'tool':
        return decodeTool(part);
      case 'step-finish': {
        steps.set(part.id, { tokens: part.tokens, cost: part.cost });
        const total = usage();
        return total ? [{ type: 'usage', usage: total }] : [];
      }
      default:
        return [];
    }
  };

  const decodeDelta = (properties: unknown): AgentEvent[] => {
    const delta = opencodePartDeltaSchema.safeParse(properties);
    if (!delta.success || delta.data.field !== 'text') return [];
    const { messageID, partID, delta: text } = delta.data;
    const message = messages.get(messageID);
    const type = partTypes.get(partID);
    if (message === undefined || type === undefined) return [];
    if (type === 'text') {
      message.text.set(partID, (message.text.get(partID) ?? '') + text);
      return [{ type: 'text-delta', blockId: partID, delta: text }];
    }
    return type === 'reasoning' ? [{ type: 'reasoning-delta', blockId: partID, delta: text }] : [];
  };

  const decodeMessage = (properties: unknown): AgentEvent[] => {
    const parsed = opencodeMessageSchema.safeParse((properties as { info?: unknown }).info);
    if (!parsed.success) return warn('Could not read an opencode message.updated event.');
    const info = parsed.data;
    if (info.role !== 'assistant' || info.sessionID !== options.sessionId) return [];
    const message = messages.get(info.id) ?? { text: new Map<string, string>() };
    messages.set(info.id, message);
    if (info.providerID && info.modelID) message.model = `${info.providerID}/${info.modelID}`;
    message.finish = info.finish ?? message.finish;
    return [];
  };

  const decodeStatus = (properties: unknown): AgentEvent[] => {
    const parsed = opencodeSessionStatusSchema.safeParse(properties);
    if (!parsed.success || parsed.data.sessionID !== options.sessionId) return [];
    const { type, attempt, message } = parsed.data.status;
    if (type === 'busy') {
      isTurnStarted = true;
      return [];
    }
    if (type === 'idle') return settle();
    if (type === 'retry' && isTurnStarted) {
      const which = attempt === undefined ? '' : ` (attempt ${attempt})`;
      return warn(`opencode is retrying the model request${which}: ${message ?? 'an error'}`);
    }
    return [];
  };

  const settle = (): AgentEvent[] => {
    if (!isTurnStarted) return [];
    facts.isIdle = true;
    return [];
  };

  const decodeSessionError = (properties: unknown): AgentEvent[] => {
    const { error } = properties as { error?: unknown };
    const parsed = opencodeErrorSchema.safeParse(error);
    if (!parsed.success) return warn('opencode reported a session error it did not describe.');
    if (parsed.data.name === 'MessageAbortedError') {
      facts.wasAborted = true;
      return [];
    }
    facts.error ??= parsed.data;
    const message = describeOpencodeError(parsed.data);
    return [{ type: 'error', code: errorCodeFor(parsed.data), message }];
  };

  const decodeRequest = (type: string, properties: unknown): AgentEvent[] => {
    if (type === 'permission.asked') {
      const asked = opencodePermissionAskedSchema.safeParse(properties);
      if (!asked.success || !sessions.has(asked.data.sessionID)) return [];
      replies.push(replyToPermission(asked.data, approvals));
      return [permissionRequestEvent(asked.data, approvals)];
    }
    const asked = opencodeQuestionAskedSchema.safeParse(properties);
    if (!asked.success || !sessions.has(asked.data.sessionID)) return [];
    replies.push(replyToQuestion(asked.data));
    return [questionRequestEvent(asked.data)];
  };

  const decode = (type: string, properties: Record<string, unknown>): AgentEvent[] => {
    switch (type) {
      case 'session.created': {
        // A session the task tool starts for a subagent: its requests need answers too.
        const info = properties.info as { id?: unknown; parentID?: unknown } | undefined;
        if (typeof info?.id === 'string' && typeof info.parentID === 'string') {
          if (sessions.has(info.parentID)) sessions.add(info.id);
        }
        return [];
      }
      case 'permission.asked':
      case 'question.asked':
        return decodeRequest(type, properties);
      case 'session.status':
        return decodeStatus(properties);
      default:
        break;
    }
    if (!isTurnStarted || properties.sessionID !== options.sessionId) return [];
    switch (type) {
      case 'message.updated':
        return decodeMessage(properties);
      case 'message.part.updated': {
        const part = opencodePartSchema.safeParse(properties.part);
        if (!part.success) return warn('Could not read an opencode message.part.updated event.');
        return decodePart(part.data);
      }
      case 'message.part.delta':
        return decodeDelta(properties);
      case 'session.error':
        return decodeSessionError(properties);
      case 'session.idle':
        return settle();
      case 'todo.updated':
        return planEvents(properties.todos);
      default:
        return [];
    }
  };

  const decodePayload = (data: string): AgentEvent[] => {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return warn(`opencode sent an event that is not JSON: ${truncate(data, 200)}`);
    }
    const event = opencodeEventSchema.safeParse(json);
    if (!event.success)
      return warn(`opencode sent an event without a type: ${truncate(data, 200)}`);
    return decode(event.data.type, event.data.properties ?? {});
  };

  const lastAssistant = (): TurnMessage | undefined => [...messages.values()].at(-1);

  return {
    start,

    push(data) {
      if (lifecycle.hasEnded || facts.isIdle) return [];
      return [...start(), ...decodePayload(data)];
    },

    takeReplies() {
      const taken = replies;
      replies = [];
      return taken;
    },

    flush(outcome) {
      if (lifecycle.hasEnded) return [];
      const last = lastAssistant();
      facts.text = [...(last?.text.values() ?? [])].join('\n\n');
      facts.model = last?.model ?? options.model;
      facts.finish = last?.finish;
      facts.usage = usage();
      return lifecycle.end(buildOpencodeRunEnd(facts, outcome));
    },

    get isSettled() {
      return facts.isIdle || lifecycle.hasEnded;
    },
  };
}
