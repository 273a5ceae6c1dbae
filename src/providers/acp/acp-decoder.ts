import type { AgentEvent, RunEndEvent } from '../../events/index.js';
import {
  runEndFromOutcome,
  runEndFromRequestError,
  runEndFromStopReason,
  usageOfPromptResult,
  type AcpProcessOutcome,
  type AcpTurnFacts,
} from './acp-run-end.js';
import {
  createAcpTranscriptReader,
  type AcpTranscriptEntry,
  type AcpTranscriptMessage,
} from './acp-transcript.js';
import { createAcpUpdateMapper } from './acp-update-events.js';
import {
  acpPermissionOutcomeSchema,
  acpPermissionRequestSchema,
  acpPromptResultSchema,
  acpSessionNotificationSchema,
  acpSessionResultSchema,
} from './acp-wire.js';

export interface AcpDecoderOptions {
  provider: string;
  /** The working directory the run was started in (reported by `run-start`). */
  cwd: string;
}

export interface AcpDecoder {
  /** One transcript entry (sent or received) in, the normalized events it means out. Never throws. */
  push(entry: AcpTranscriptEntry): AgentEvent[];
  /** After the process ended (or the turn settled): closes the stream with the `run-end`. */
  flush(outcome: AcpProcessOutcome): AgentEvent[];
  /** The prompt was answered (or a set-up request refused): only `flush` is left. */
  readonly isSettled: boolean;
  /** `session/prompt` went out: updates from now on belong to this turn. */
  readonly isPrompting: boolean;
}

const sessionMethods: ReadonlySet<string> = new Set([
  'session/new',
  'session/load',
  'session/resume',
]);

/**
 * Turns an ACP transcript (every message we sent and received) into normalized events: one
 * `run-start` once the session is known, one `run-end` last. Updates that arrive before our
 * `session/prompt` on a loaded session are the replayed history and are not this turn's events.
 */
export function createAcpDecoder(options: AcpDecoderOptions): AcpDecoder {
  const facts: AcpTurnFacts = { text: '' };
  const transcript = createAcpTranscriptReader();
  const updates = createAcpUpdateMapper();
  let held: AgentEvent[] = [];
  let hasStarted = false;
  let hasEnded = false;
  let isPrompting = false;
  let isLoading = false;
  let isSettled = false;
  let wasCancelled = false;
  let hasDeclined = false;

  const start = (): AgentEvent[] => {
    if (hasStarted) return [];
    hasStarted = true;
    const startEvent: AgentEvent = {
      type: 'run-start',
      provider: options.provider,
      cwd: options.cwd,
      ...(facts.sessionId ? { nativeSessionId: facts.sessionId } : {}),
      ...(facts.model ? { model: facts.model } : {}),
    };
    const events = [startEvent, ...held];
    held = [];
    return events;
  };
  const emit = (events: AgentEvent[]): AgentEvent[] => {
    if (hasStarted) return events;
    held.push(...events);
    return [];
  };
  const warn = (message: string): AgentEvent[] => emit([{ type: 'warning', message }]);
  const end = (runEnd: RunEndEvent): AgentEvent[] => {
    if (hasEnded) return [];
    hasEnded = true;
    isSettled = true;
    facts.text = updates.finalText();
    return [...start(), ...updates.close(), { ...runEnd, text: facts.text }];
  };

  const onResponse = (
    message: Extract<AcpTranscriptMessage, { kind: 'response' }>,
  ): AgentEvent[] => {
    if (message.error !== undefined) {
      if (message.method === 'session/set_mode') {
        return warn(`The agent refused ${message.method}: ${JSON.stringify(message.error)}`);
      }
      if (message.method === 'session/cancel') return [];
      return end(runEndFromRequestError(message.method, message.error, { ...facts, text: '' }));
    }
    if (sessionMethods.has(message.method)) {
      const session = acpSessionResultSchema.safeParse(message.result ?? {});
      const requested = (message.params as { sessionId?: unknown } | undefined)?.sessionId;
      facts.sessionId =
        session.data?.sessionId ?? (typeof requested === 'string' ? requested : undefined);
      facts.model = modelName(session.data?.models?.currentModelId) ?? facts.model;
      return start();
    }
    if (message.method !== 'session/prompt') return [];
    const result = acpPromptResultSchema.safeParse(message.result);
    if (!result.success) {
      return end(
        runEndFromRequestError(
          'session/prompt',
          { code: 0, message: `unreadable result ${JSON.stringify(message.result)}` },
          facts,
        ),
      );
    }
    facts.usage = usageOfPromptResult(result.data) ?? facts.usage;
    facts.model = modelFromQuota(message.result) ?? facts.model;
    const usage: AgentEvent[] = facts.usage ? [{ type: 'usage', usage: facts.usage }] : [];
    const runEnd = runEndFromStopReason(result.data.stopReason, facts);
    if (runEnd === undefined) {
      wasCancelled = true;
      isSettled = true;
      return emit(usage);
    }
    return [...emit(usage), ...end(runEnd)];
  };

  const onAgentRequest = (
    message: Extract<AcpTranscriptMessage, { kind: 'agent-request' }>,
  ): AgentEvent[] => {
    if (message.method !== 'session/request_permission') return [];
    const request = acpPermissionRequestSchema.safeParse(message.params);
    return request.success ? emit(updates.permissionAsked(request.data)) : [];
  };

  const onReply = (message: Extract<AcpTranscriptMessage, { kind: 'reply' }>): AgentEvent[] => {
    if (message.method === 'session/request_permission') {
      const request = acpPermissionRequestSchema.safeParse(message.params);
      const outcome = acpPermissionOutcomeSchema.safeParse(message.result);
      if (!request.success) return [];
      const chosen = request.data.options.find(
        (option) => option.optionId === outcome.data?.outcome.optionId,
      );
      const isAccepted = chosen?.kind.startsWith('allow') ?? false;
      hasDeclined ||= !isAccepted;
      return emit(updates.permissionAnswered(request.data, isAccepted));
    }
    const path = (message.params as { path?: unknown } | undefined)?.path;
    const target = typeof path === 'string' ? ` ${path}` : '';
    if (message.error !== undefined) {
      const reason = (message.error as { message?: unknown }).message;
      const detail = typeof reason === 'string' ? reason : JSON.stringify(message.error);
      if (message.method.startsWith('fs/'))
        return warn(`Refused ${message.method}${target}: ${detail}`);
      return warn(
        `The agent asked for ${message.method}, which subagent-mcp does not offer (${detail}).`,
      );
    }
    if (message.method === 'fs/write_text_file' && typeof path === 'string') {
      return emit(updates.fileWritten(path));
    }
    return [];
  };

  /** The first line that was not JSON: it explains a turn that ends without an answer. */
  let unreadLine: string | undefined;

  return {
    push(entry) {
      if (hasEnded) return [];
      const message = transcript.read(entry);
      switch (message?.kind) {
        case undefined:
          return [];
        case 'malformed':
          if (entry.message === undefined) unreadLine ??= (entry.line ?? '').slice(0, 200);
          return warn(`The agent ${message.problem}`);
        case 'note':
          return warn(message.text);
        case 'request':
          if (message.method === 'session/prompt') isPrompting = true;
          if (message.method === 'session/load') isLoading = true;
          if (message.method === 'session/load' || message.method === 'session/resume') {
            const requested = (message.params as { sessionId?: unknown } | undefined)?.sessionId;
            if (typeof requested === 'string') facts.sessionId = requested;
          }
          return [];
        case 'response':
          return onResponse(message);
        case 'agent-request':
          return onAgentRequest(message);
        case 'reply':
          return onReply(message);
        case 'notification': {
          if (message.method !== 'session/update') return [];
          // History replayed by session/load before this turn's prompt.
          if (isLoading && !isPrompting) return [];
          const notification = acpSessionNotificationSchema.safeParse(message.params);
          if (!notification.success)
            return warn(
              `Unreadable session/update: ${JSON.stringify(message.params).slice(0, 200)}`,
            );
          return emit(updates.map(notification.data.update));
        }
      }
    },
    flush(outcome) {
      const events = hasStarted ? [] : start();
      if (wasCancelled && hasDeclined && !outcome.aborted) {
        // codex-acp's only way to decline ends the turn `cancelled`: the run did what it could.
        const note = warn('The agent ended the turn after a permission request was declined.');
        const runEnd = runEndFromStopReason('end_turn', facts)!;
        return [
          ...events,
          ...note,
          ...end({ ...runEnd, finishReason: { unified: 'other', raw: 'cancelled' } }),
        ];
      }
      return [
        ...events,
        ...end(runEndFromOutcome({ ...outcome, unreadLine }, facts, wasCancelled)),
      ];
    },
    get isSettled() {
      return isSettled;
    },
    get isPrompting() {
      return isPrompting;
    },
  };
}

/** Codex reports `mock-model[none]` (the reasoning effort in brackets). */
function modelName(id: string | undefined): string | undefined {
  return id?.replace(/\[[^\]]*\]$/, '') || undefined;
}

/** The model that answered, as claude-agent-acp and codex-acp report it in `_meta.quota`. */
function modelFromQuota(result: unknown): string | undefined {
  const usage = (result as { _meta?: { quota?: { model_usage?: unknown } } } | undefined)?._meta
    ?.quota?.model_usage;
  if (!Array.isArray(usage)) return undefined;
  const last: unknown = usage.at(-1);
  const model = (last as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}
