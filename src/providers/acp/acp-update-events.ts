import type { AgentEvent } from '../../events/index.js';
import {
  describeSubject,
  fileChangesOf,
  isFinished,
  isReadyToAnnounce,
  mergeToolUpdate,
  newToolState,
  permissionKindOf,
  toolCallEvent,
  toolResultEvent,
  type AcpToolState,
} from './acp-tool-events.js';
import {
  acpChunkSchema,
  acpPlanSchema,
  acpToolCallSchema,
  type AcpPermissionRequest,
} from './acp-wire.js';

// Gemini announces a mode change as answer text on the next prompt.
const modeUpdateText = /^\[MODE_UPDATE\] \S+\s*$/;
const planStatuses = new Set(['pending', 'in_progress', 'completed']);

/**
 * The stateful part of the decoder that maps `session/update` kinds and permission traffic to
 * events: text and reasoning blocks (a block ends at a tool call), tool calls merged from
 * `tool_call` and `tool_call_update`, plans, files changed.
 */
export function createAcpUpdateMapper() {
  const tools = new Map<string, AcpToolState>();
  // claude-agent-acp reports a finished tool's result a second time.
  const finishedTools = new Set<string>();
  const changedFiles = new Set<string>();
  const segments: string[] = [''];
  let textBlock: { id: string; text: string } | undefined;
  let reasoningBlock: { id: string; text: string } | undefined;
  let blockCount = 0;

  const closeBlocks = (): AgentEvent[] => {
    const events: AgentEvent[] = [];
    if (reasoningBlock)
      events.push({ type: 'reasoning', blockId: reasoningBlock.id, text: reasoningBlock.text });
    if (textBlock) events.push({ type: 'text', blockId: textBlock.id, text: textBlock.text });
    reasoningBlock = undefined;
    textBlock = undefined;
    return events;
  };

  const fileChanges = (events: AgentEvent[]): AgentEvent[] =>
    events.filter((event) => {
      if (event.type !== 'file-change') return true;
      if (changedFiles.has(event.path)) return false;
      changedFiles.add(event.path);
      return true;
    });

  const progress = (state: AcpToolState): AgentEvent[] => {
    const events: AgentEvent[] = [];
    if (!state.isAnnounced && (isReadyToAnnounce(state) || isFinished(state))) {
      state.isAnnounced = true;
      events.push(...closeBlocks(), toolCallEvent(state));
      segments.push('');
    }
    if (state.isAnnounced && isFinished(state)) {
      tools.delete(state.callId);
      finishedTools.add(state.callId);
      events.push(toolResultEvent(state), ...fileChanges(fileChangesOf(state)));
    }
    return events;
  };

  const toolUpdate = (update: unknown): AgentEvent[] => {
    const parsed = acpToolCallSchema.safeParse(update);
    if (!parsed.success) return [];
    if (finishedTools.has(parsed.data.toolCallId)) return [];
    let state = tools.get(parsed.data.toolCallId);
    if (state === undefined) {
      state = newToolState(parsed.data);
      tools.set(state.callId, state);
    } else {
      mergeToolUpdate(state, parsed.data);
    }
    return progress(state);
  };

  const chunk = (update: unknown, kind: 'text' | 'reasoning'): AgentEvent[] => {
    const parsed = acpChunkSchema.safeParse(update);
    const text = parsed.data?.content.text;
    if (!text || (kind === 'text' && modeUpdateText.test(text))) return [];
    if (kind === 'reasoning') {
      reasoningBlock ??= { id: `reasoning-${(blockCount += 1)}`, text: '' };
      reasoningBlock.text += text;
      return [{ type: 'reasoning-delta', blockId: reasoningBlock.id, delta: text }];
    }
    textBlock ??= { id: `text-${(blockCount += 1)}`, text: '' };
    textBlock.text += text;
    segments[segments.length - 1] += text;
    return [{ type: 'text-delta', blockId: textBlock.id, delta: text }];
  };

  return {
    map(update: { sessionUpdate: string }): AgentEvent[] {
      switch (update.sessionUpdate) {
        case 'agent_message_chunk':
          return chunk(update, 'text');
        case 'agent_thought_chunk':
          return chunk(update, 'reasoning');
        case 'tool_call':
          return toolUpdate(update);
        case 'tool_call_update':
          return toolUpdate(update);
        case 'plan': {
          const plan = acpPlanSchema.safeParse(update);
          if (!plan.success) return [];
          const entries = plan.data.entries.map((entry) => ({
            content: entry.content,
            status: (planStatuses.has(entry.status) ? entry.status : 'pending') as 'pending',
          }));
          return [{ type: 'plan-update', entries }];
        }
        // The user's own prompt echoed, and session bookkeeping: nothing to show.
        default:
          return [];
      }
    },

    /** Gemini asks before any `tool_call`: the request announces the tool. */
    permissionAsked(request: AcpPermissionRequest): AgentEvent[] {
      const callId = request.toolCall.toolCallId;
      if (callId === undefined) return [];
      let state = tools.get(callId);
      if (state === undefined) {
        state = newToolState({ ...request.toolCall, toolCallId: callId, status: 'pending' });
        tools.set(callId, state);
      } else {
        mergeToolUpdate(state, { ...request.toolCall, status: undefined });
      }
      if (state.isAnnounced) return [];
      state.isAnnounced = true;
      segments.push('');
      return [...closeBlocks(), toolCallEvent(state)];
    },

    permissionAnswered(request: AcpPermissionRequest, isAccepted: boolean): AgentEvent[] {
      const callId = request.toolCall.toolCallId ?? 'permission';
      const state = tools.get(callId) ?? newToolState({ ...request.toolCall, toolCallId: callId });
      const events: AgentEvent[] = [
        {
          type: 'permission-request',
          requestId: callId,
          kind: permissionKindOf(state),
          subject: describeSubject(state),
          decision: isAccepted ? 'accepted' : 'declined',
        },
      ];
      // A declined tool does not run; Gemini never reports it again.
      if (!isAccepted && state.isAnnounced && tools.has(callId)) {
        tools.delete(callId);
        finishedTools.add(callId);
        const output = 'declined by the approvals policy of subagent-mcp';
        events.push({
          type: 'tool-result',
          callId,
          toolName: state.toolName,
          output,
          isError: true,
        });
      }
      return events;
    },

    fileWritten(path: string): AgentEvent[] {
      return fileChanges([{ type: 'file-change', path, kind: 'unknown' }]);
    },

    /** The answer: the text after the last tool call, else the last text there was. */
    finalText(): string {
      const texts = segments.map((text) => text.trim()).filter((text) => text !== '');
      return texts.at(-1) ?? '';
    },

    /** Open blocks end; tools still open get a failed result. */
    close(): AgentEvent[] {
      const events = closeBlocks();
      for (const state of tools.values()) {
        if (!state.isAnnounced) continue;
        const output = '(did not finish: the turn ended first)';
        events.push({
          type: 'tool-result',
          callId: state.callId,
          toolName: state.toolName,
          output,
          isError: true,
        });
      }
      tools.clear();
      return events;
    },
  };
}
