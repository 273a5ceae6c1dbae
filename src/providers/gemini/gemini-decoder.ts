import type { AgentEvent } from '../../events/index.js';
import {
  runEndFromResult,
  runEndWithoutResult,
  usageFromStats,
  type GeminiProcessOutcome,
  type GeminiTurnFacts,
} from './gemini-run-end.js';
import { fileChangeFor, toolOutputLimit, truncate } from './gemini-tool-events.js';
import {
  geminiLineSchema,
  isKnownGeminiLine,
  type GeminiLine,
  type GeminiResultLine,
  type GeminiToolResultLine,
} from './gemini-wire.js';

export interface GeminiDecoderOptions {
  /** The working directory the run was started in (reported by `run-start`). */
  cwd: string;
  provider: string;
}

export interface GeminiDecoder {
  /** One stdout line in, the normalized events it means out. Never throws. */
  push(line: string): AgentEvent[];
  /** After the process ended: closes the stream, emitting the `run-end` if none came yet. */
  flush(outcome: GeminiProcessOutcome): AgentEvent[];
  /** True once the `run-end` was emitted: the turn is over, whatever the process still does. */
  readonly hasEnded: boolean;
}

/**
 * Turns Gemini CLI's stream-json lines into normalized events: exactly one `run-start` first
 * (synthesized if the process died before `init`) and exactly one `run-end` last. Answer text
 * streams as deltas; each stretch of text between tool calls is a block that ends with a `text`
 * event, and the last one is the answer. A successful `result` ends the run at once; a failed
 * one waits for the process outcome, which tells whether we interrupted it.
 */
export function createGeminiDecoder(options: GeminiDecoderOptions): GeminiDecoder {
  const facts: GeminiTurnFacts = { answerText: '' };
  const toolCalls = new Map<string, { toolName: string; input: unknown }>();
  let hasStarted = false;
  let hasEnded = false;
  let blockCount = 0;
  let openBlock: { id: string; text: string } | undefined;
  let pendingResult: GeminiResultLine | undefined;
  let warningsBeforeStart: AgentEvent[] = [];

  const start = (nativeSessionId?: string, model?: string): AgentEvent[] => {
    if (hasStarted) return [];
    hasStarted = true;
    facts.nativeSessionId ??= nativeSessionId;
    facts.model ??= model;
    const held = warningsBeforeStart;
    warningsBeforeStart = [];
    return [
      {
        type: 'run-start',
        provider: options.provider,
        nativeSessionId: facts.nativeSessionId,
        model: facts.model,
        cwd: options.cwd,
      },
      ...held,
    ];
  };

  const closeBlock = (): AgentEvent[] => {
    const block = openBlock;
    openBlock = undefined;
    return block && block.text !== ''
      ? [{ type: 'text', blockId: block.id, text: block.text }]
      : [];
  };

  const appendText = (text: string, isDelta: boolean): AgentEvent[] => {
    if (openBlock === undefined) {
      blockCount += 1;
      openBlock = { id: `text-${blockCount}`, text: '' };
      facts.answerText = '';
    }
    openBlock.text += text;
    facts.answerText += text;
    if (!isDelta) return closeBlock();
    return [{ type: 'text-delta', blockId: openBlock.id, delta: text }];
  };

  const decodeToolResult = (line: GeminiToolResultLine): AgentEvent[] => {
    const call = toolCalls.get(line.tool_id);
    if (!call) return [];
    const isError = line.status !== 'success';
    const output = line.output ?? line.error?.message ?? '';
    const change = isError ? undefined : fileChangeFor(call.toolName, call.input);
    return [
      {
        type: 'tool-result',
        callId: line.tool_id,
        toolName: call.toolName,
        output: truncate(output, toolOutputLimit),
        isError,
      },
      ...(change ? [change] : []),
    ];
  };

  const decodeResult = (line: GeminiResultLine): AgentEvent[] => {
    const usage = usageFromStats(line.stats);
    const events: AgentEvent[] = [
      ...closeBlock(),
      ...(usage ? [{ type: 'usage', usage } as const] : []),
    ];
    if (line.status === 'success') {
      hasEnded = true;
      events.push(runEndFromResult(line, facts));
    } else {
      pendingResult = line;
    }
    return events;
  };

  const decode = (line: GeminiLine): AgentEvent[] => {
    switch (line.type) {
      case 'init':
        return start(line.session_id, line.model);
      case 'message':
        return line.role === 'assistant' ? appendText(line.content, line.delta === true) : [];
      case 'tool_use':
        toolCalls.set(line.tool_id, { toolName: line.tool_name, input: line.parameters });
        return [
          ...closeBlock(),
          {
            type: 'tool-call',
            callId: line.tool_id,
            toolName: line.tool_name,
            input: line.parameters,
          },
        ];
      case 'tool_result':
        return decodeToolResult(line);
      case 'error': {
        const message = line.message ?? 'Gemini CLI reported an error.';
        return line.severity === 'error'
          ? [{ type: 'error', code: 'agent_error', message }]
          : [{ type: 'warning', message }];
      }
      case 'result':
        return decodeResult(line);
    }
  };

  const withStart = (events: AgentEvent[]): AgentEvent[] => {
    if (hasStarted || events.length === 0) return events;
    if (events.every((event) => event.type === 'warning')) {
      warningsBeforeStart.push(...events);
      return [];
    }
    return [...start(), ...events];
  };

  return {
    get hasEnded() {
      return hasEnded;
    },

    push(text) {
      if (hasEnded || pendingResult) return [];
      const trimmed = text.trim();
      if (trimmed === '') return [];
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch {
        const warning = `Gemini CLI printed a line that is not JSON: ${truncate(trimmed, 200)}`;
        return withStart([{ type: 'warning', message: warning }]);
      }
      if (!isKnownGeminiLine(value)) return [];
      const parsed = geminiLineSchema.safeParse(value);
      if (!parsed.success) {
        const kind = String((value as { type: unknown }).type);
        const warning = `Could not read a Gemini CLI "${kind}" line: ${truncate(parsed.error.message, 300)}`;
        return withStart([{ type: 'warning', message: warning }]);
      }
      return withStart(decode(parsed.data));
    },

    flush(outcome) {
      if (hasEnded) return [];
      hasEnded = true;
      const closing = closeBlock();
      const end =
        pendingResult && !outcome.aborted
          ? runEndFromResult(pendingResult, facts)
          : runEndWithoutResult(outcome, facts);
      return [...start(), ...closing, end];
    },
  };
}
