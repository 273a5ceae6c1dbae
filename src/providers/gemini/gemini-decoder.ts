import type { AgentEvent } from '../../events/index.js';
import type { AgentDecoder } from '../kit/agent-decoder.js';
import { readJsonLine, type JsonLineReader } from '../kit/json-lines.js';
import { createRunLifecycleFromFacts } from '../kit/run-lifecycle.js';
import { toolOutputLimit, truncate } from '../kit/truncate-text.js';
import {
  runEndFromResult,
  runEndWithoutResult,
  usageFromStats,
  type GeminiProcessOutcome,
  type GeminiTurnFacts,
} from './gemini-run-end.js';
import { fileChangeFor } from './gemini-tool-events.js';
import {
  geminiLineSchema,
  isKnownGeminiLine,
  type GeminiLine,
  type GeminiResultLine,
  type GeminiToolResultLine,
} from './gemini-wire.js';

const geminiLines: JsonLineReader<GeminiLine> = {
  agentName: 'Gemini CLI',
  schema: geminiLineSchema,
  isKnown: isKnownGeminiLine,
};

export interface GeminiDecoderOptions {
  /** The working directory the run was started in (reported by `run-start`). */
  cwd: string;
  provider: string;
}

/**
 * One stdout line in, the normalized events it means out; flushed with the process outcome.
 * Settled (`isSettled`, also `hasEnded`) once the `run-end` was emitted: the turn is over,
 * whatever the process still does.
 */
export type GeminiDecoder = AgentDecoder<string, GeminiProcessOutcome> & {
  readonly isSettled: boolean;
  readonly hasEnded: boolean;
};

/**
 * Turns Gemini CLI's stream-json lines into normalized events: exactly one `run-start` first
 * (synthesized if the process died before `init`) and exactly one `run-end` last. Answer text
 * streams as deltas; each stretch of text between tool calls is a block that ends with a `text`
 * event, and the last one is the answer. A successful `result` ends the run at once; a failed
 * one waits for the process outcome, which tells whether we interrupted it.
 */
export function createGeminiDecoder(options: GeminiDecoderOptions): GeminiDecoder {
  const facts: GeminiTurnFacts = { answerText: '' };
  /** The first stdout line that was not JSON: it explains a turn that ends without a result. */
  let unreadLine: string | undefined;
  const toolCalls = new Map<string, { toolName: string; input: unknown }>();
  let blockCount = 0;
  let openBlock: { id: string; text: string } | undefined;
  let pendingResult: GeminiResultLine | undefined;
  const lifecycle = createRunLifecycleFromFacts(options, facts);
  // Warnings about lines before `init` wait for it, so run-start still carries the session.
  const { startWith: start, withStart } = lifecycle;

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
    lifecycle.toolFinished(line.tool_id);
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
      ...start(),
      ...closeBlock(),
      ...(usage ? [{ type: 'usage', usage } as const] : []),
    ];
    if (line.status !== 'success') {
      pendingResult = line;
      return events;
    }
    return [...events, ...lifecycle.end(runEndFromResult(line, facts))];
  };

  const decode = (line: GeminiLine): AgentEvent[] => {
    switch (line.type) {
      case 'init':
        return start(line.session_id, line.model);
      case 'message':
        return line.role === 'assistant' ? appendText(line.content, line.delta === true) : [];
      case 'tool_use':
        toolCalls.set(line.tool_id, { toolName: line.tool_name, input: line.parameters });
        lifecycle.toolStarted(line.tool_id, line.tool_name);
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

  return {
    get isSettled() {
      return lifecycle.hasEnded;
    },
    get hasEnded() {
      return lifecycle.hasEnded;
    },

    push(text) {
      if (lifecycle.hasEnded || pendingResult) return [];
      const reading = readJsonLine(text, geminiLines);
      if (reading === undefined) return [];
      if ('warning' in reading) {
        unreadLine ??= reading.notJson;
        return withStart([reading.warning]);
      }
      return withStart(decode(reading.line));
    },

    flush(outcome) {
      if (lifecycle.hasEnded) return [];
      const closing = closeBlock();
      const end =
        pendingResult && !outcome.aborted
          ? runEndFromResult(pendingResult, facts)
          : runEndWithoutResult({ ...outcome, unreadLine }, facts);
      return [...start(), ...closing, ...lifecycle.end(end)];
    },
  };
}
