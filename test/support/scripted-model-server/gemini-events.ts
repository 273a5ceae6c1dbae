/**
 * Builds Gemini API `GenerateContentResponse` objects from a reply plan: the whole response
 * (`generateContent`) and the chunks that stream the same response (`streamGenerateContent`):
 * a `thought: true` text part for thinking, the text in small pieces, each function call as one
 * `functionCall` part, and on the last chunk the `finishReason` and the `usageMetadata`. Every
 * chunk carries the model version and the response id, as the API's do.
 */
import { randomBytes } from 'node:crypto';
import { approximateTokens, splitIntoChunks } from './json-values.js';
import type { ReplyBlock } from './types.js';

export type GeminiPart =
  | { text: string; thought?: true }
  | { functionCall: { name: string; args: Record<string, unknown> } };

export interface GeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
}

export interface GeminiResponse {
  candidates: {
    content: { role: 'model'; parts: GeminiPart[] };
    index: 0;
    finishReason?: 'STOP';
  }[];
  usageMetadata?: GeminiUsage;
  modelVersion: string;
  responseId: string;
}

export function newGeminiResponseId(): string {
  return randomBytes(12).toString('base64url');
}

/** The parts of a plan's blocks (a freeform call becomes a function call with `{input}`). */
export function buildGeminiParts(blocks: ReplyBlock[]): GeminiPart[] {
  return blocks.map((block): GeminiPart => {
    switch (block.kind) {
      case 'text':
        return { text: block.text };
      case 'thinking':
        return { text: block.thinking, thought: true };
      case 'tool_use':
        return { functionCall: { name: block.name, args: block.input } };
      case 'freeform_tool_use':
        return { functionCall: { name: block.name, args: { input: block.input } } };
    }
  });
}

/** Plausible usage: prompt tokens from the request size, candidate tokens from the parts. */
export function buildGeminiUsage(promptTokens: number, parts: GeminiPart[]): GeminiUsage {
  const lengthOf = (part: GeminiPart): number =>
    'text' in part ? part.text.length : JSON.stringify(part.functionCall).length;
  const thoughts = parts.filter((part) => 'thought' in part);
  const answer = parts.filter((part) => !('thought' in part));
  const thoughtsTokenCount =
    thoughts.length > 0 ? approximateTokens(sum(thoughts.map(lengthOf))) : 0;
  const candidatesTokenCount = approximateTokens(sum(answer.map(lengthOf)));
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount,
    totalTokenCount: promptTokens + candidatesTokenCount + thoughtsTokenCount,
    ...(thoughtsTokenCount > 0 ? { thoughtsTokenCount } : {}),
  };
}

function sum(numbers: number[]): number {
  return numbers.reduce((total, value) => total + value, 0);
}

export interface GeminiResponseContext {
  model: string;
  responseId: string;
}

/** One response (or chunk) carrying these parts. */
export function responseOf(
  context: GeminiResponseContext,
  parts: GeminiPart[],
  ending?: { usage: GeminiUsage },
): GeminiResponse {
  return {
    candidates: [
      {
        content: { role: 'model', parts },
        index: 0,
        ...(ending ? { finishReason: 'STOP' as const } : {}),
      },
    ],
    ...(ending ? { usageMetadata: ending.usage } : {}),
    modelVersion: context.model,
    responseId: context.responseId,
  };
}

/** The whole reply as one response (non-streaming `generateContent`). */
export function buildGeminiResponse(
  context: GeminiResponseContext,
  blocks: ReplyBlock[],
  promptTokens: number,
): GeminiResponse {
  const parts = buildGeminiParts(blocks);
  return responseOf(context, parts, { usage: buildGeminiUsage(promptTokens, parts) });
}

/**
 * The chunks that stream the reply: text in pieces of at most 12 characters (at least two when
 * the text has two characters), a thought and a function call whole; the last chunk also ends
 * the candidate and reports usage.
 */
export function geminiResponseChunks(
  context: GeminiResponseContext,
  blocks: ReplyBlock[],
  promptTokens: number,
): GeminiResponse[] {
  const parts = buildGeminiParts(blocks);
  const pieces = parts.flatMap((part): GeminiPart[] =>
    'text' in part && !('thought' in part) ? textPieces(part.text) : [part],
  );
  const usage = buildGeminiUsage(promptTokens, parts);
  return pieces.map((part, index) =>
    responseOf(context, [part], index === pieces.length - 1 ? { usage } : undefined),
  );
}

/** Text parts of these chunks of text (for a stream that stalls after them). */
export function textChunks(context: GeminiResponseContext, texts: string[]): GeminiResponse[] {
  return texts.map((text) => responseOf(context, [{ text }]));
}

function textPieces(text: string): GeminiPart[] {
  const half = Math.ceil(Array.from(text).length / 2);
  return splitIntoChunks(text, Math.max(1, Math.min(12, half))).map((piece) => ({ text: piece }));
}
