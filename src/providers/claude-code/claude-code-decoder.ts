import type { AgentEvent } from '../../events/index.js';
import type { AgentDecoder } from '../kit/agent-decoder.js';
import { readJsonLine, type JsonLineReader } from '../kit/json-lines.js';
import { createRunLifecycleFromFacts } from '../kit/run-lifecycle.js';
import {
  isSettlingResult,
  runEndFromResult,
  runEndWithoutResult,
  usageFromResult,
  type ClaudeCodeProcessOutcome,
  type ClaudeCodeTurnFacts,
} from './claude-code-run-end.js';
import {
  describeToolInput,
  fileChangeFor,
  planUpdateFor,
  toolOutputText,
} from './claude-code-tool-events.js';
import {
  claudeCodeLineSchema,
  isKnownClaudeCodeLine,
  type ClaudeCodeAssistantLine,
  type ClaudeCodeLine,
  type ClaudeCodeResultLine,
  type ClaudeCodeStreamPayload,
  type ClaudeCodeUserLine,
} from './claude-code-wire.js';

const claudeCodeLines: JsonLineReader<ClaudeCodeLine> = {
  agentName: 'Claude Code',
  schema: claudeCodeLineSchema,
  isKnown: isKnownClaudeCodeLine,
};

export interface ClaudeCodeDecoderOptions {
  /** The working directory the run was started in (reported by `run-start`). */
  cwd: string;
  provider: string;
}

/** One stdout line in, the normalized events it means out; flushed with the process outcome. */
export type ClaudeCodeDecoder = AgentDecoder<string, ClaudeCodeProcessOutcome>;

/**
 * Turns Claude Code's stream-json lines into normalized events: exactly one `run-start`
 * first (synthesized if the process died before `system/init`) and exactly one `run-end`
 * last. Lines of a sub-agent (`parent_tool_use_id` set) contribute their tool calls but not
 * their text, which is not the answer.
 */
export function createClaudeCodeDecoder(options: ClaudeCodeDecoderOptions): ClaudeCodeDecoder {
  const facts: ClaudeCodeTurnFacts = { lastAssistantText: '' };
  /** The first stdout line that was not JSON: it explains a turn that ends without a result. */
  let unreadLine: string | undefined;
  const toolCalls = new Map<string, { toolName: string; input: unknown }>();
  let streamMessageId: string | undefined;
  let openBlockIndex: number | undefined;
  let lastTextMessageId: string | undefined;
  const blockCounts = new Map<string, number>();
  // An interrupt's result waits for the process outcome to tell who interrupted.
  let pendingResult: ClaudeCodeResultLine | undefined;
  const lifecycle = createRunLifecycleFromFacts(options, facts);
  // The session and model known when the start is due are the ones it reports.
  const { startWith: start, withStart } = lifecycle;

  const decode = (line: ClaudeCodeLine): AgentEvent[] => {
    switch (line.type) {
      case 'system':
        if (line.subtype === 'init') return start(line.session_id, line.model);
        if (line.subtype === 'api_retry') {
          const status = [line.error_status, line.error].filter((part) => part != null);
          const cause = status.length > 0 ? `: ${status.join(' ')}` : '';
          return [
            { type: 'warning', message: `API retry ${line.attempt}/${line.max_retries}${cause}` },
          ];
        }
        return [];
      case 'stream_event':
        if (line.event === null || line.parent_tool_use_id) return [];
        return decodeStreamPayload(line.event);
      case 'assistant':
        return decodeAssistant(line);
      case 'user':
        return decodeUser(line);
      case 'result':
        return decodeResult(line);
      case 'control_response':
        return [];
    }
  };

  const decodeStreamPayload = (payload: ClaudeCodeStreamPayload): AgentEvent[] => {
    switch (payload.type) {
      case 'message_start':
        streamMessageId = payload.message.id;
        return [];
      case 'content_block_start':
        openBlockIndex = payload.index;
        return [];
      case 'content_block_stop':
        openBlockIndex = undefined;
        return [];
      case 'content_block_delta': {
        const blockId = `${streamMessageId ?? 'message'}:${payload.index}`;
        if (payload.delta?.type === 'text_delta') {
          return [{ type: 'text-delta', blockId, delta: payload.delta.text }];
        }
        if (payload.delta?.type === 'thinking_delta') {
          return [{ type: 'reasoning-delta', blockId, delta: payload.delta.thinking }];
        }
        return [];
      }
      case 'message_delta':
      case 'message_stop':
        return [];
    }
  };

  const blockIdFor = (messageId: string): string => {
    // With partial messages on, the block's stream index is known; otherwise count blocks.
    if (messageId === streamMessageId && openBlockIndex !== undefined) {
      return `${messageId}:${openBlockIndex}`;
    }
    const position = blockCounts.get(messageId) ?? 0;
    blockCounts.set(messageId, position + 1);
    return `${messageId}:${position}`;
  };

  const decodeAssistant = (line: ClaudeCodeAssistantLine): AgentEvent[] => {
    // An API failure comes as a synthetic message carrying the error text; the result line
    // that follows reports it, so it is not part of the answer.
    if (line.error) return [];
    const isSubAgent = Boolean(line.parent_tool_use_id);
    // A sub-agent may run on another model by design; only the main agent's answer counts.
    if (!isSubAgent && line.message.model && line.message.model !== '<synthetic>') {
      facts.answeredModel = line.message.model;
    }
    const messageId = line.message.id ?? 'message';
    const events: AgentEvent[] = [];
    for (const block of line.message.content) {
      if (block === null) continue;
      if (block.type === 'tool_use') {
        toolCalls.set(block.id, { toolName: block.name, input: block.input });
        events.push({
          type: 'tool-call',
          callId: block.id,
          toolName: block.name,
          input: block.input,
        });
        const plan = planUpdateFor(block.name, block.input);
        if (plan) events.push(plan);
        continue;
      }
      if (isSubAgent) continue;
      const blockId = blockIdFor(messageId);
      if (block.type === 'thinking') {
        events.push({ type: 'reasoning', blockId, text: block.thinking });
        continue;
      }
      if (lastTextMessageId !== messageId) facts.lastAssistantText = '';
      lastTextMessageId = messageId;
      facts.lastAssistantText += block.text;
      events.push({ type: 'text', blockId, text: block.text });
    }
    return events;
  };

  const decodeUser = (line: ClaudeCodeUserLine): AgentEvent[] => {
    if (typeof line.message.content === 'string') return [];
    const events: AgentEvent[] = [];
    for (const block of line.message.content) {
      if (block?.type !== 'tool_result') continue;
      const call = toolCalls.get(block.tool_use_id);
      if (!call) continue;
      const isError = block.is_error === true;
      events.push({
        type: 'tool-result',
        callId: block.tool_use_id,
        toolName: call.toolName,
        output: toolOutputText(block.content),
        isError,
      });
      const change = isError
        ? undefined
        : fileChangeFor(call.toolName, call.input, line.tool_use_result);
      if (change) events.push(change);
    }
    return events;
  };

  const decodeResult = (result: ClaudeCodeResultLine): AgentEvent[] => {
    const events: AgentEvent[] = [];
    for (const denial of result.permission_denials ?? []) {
      const input = describeToolInput(denial.tool_input);
      events.push({
        type: 'warning',
        message: `Permission denied: ${denial.tool_name}${input ? ` ${input}` : ''}`,
      });
    }
    const usage = usageFromResult(result);
    if (usage) events.push({ type: 'usage', usage });
    if (!isSettlingResult(result)) {
      pendingResult = result;
      return events;
    }
    const end = runEndFromResult(result, facts, undefined);
    return [...start(result.session_id), ...events, ...lifecycle.end(end)];
  };

  return {
    push(text) {
      if (lifecycle.hasEnded || pendingResult) return [];
      const reading = readJsonLine(text, claudeCodeLines);
      if (reading === undefined) return [];
      if ('warning' in reading) {
        unreadLine ??= reading.notJson;
        return withStart([reading.warning], undefined);
      }
      const sessionId = (reading.line as { session_id?: unknown }).session_id;
      return withStart(decode(reading.line), typeof sessionId === 'string' ? sessionId : undefined);
    },

    // The result line ends the turn; a live process then waits for the next user message.
    get isSettled() {
      return lifecycle.hasEnded || pendingResult !== undefined;
    },

    flush(outcome) {
      if (lifecycle.hasEnded) return [];
      const end = pendingResult
        ? runEndFromResult(pendingResult, facts, outcome.aborted)
        : runEndWithoutResult({ ...outcome, unreadLine }, facts);
      return [...start(end.nativeSessionId), ...lifecycle.end(end)];
    },
  };
}
