/**
 * Shared types of the scripted model server: the public API, the dialect-neutral view of a
 * conversation that every dialect extracts from its own request shape, and the reply plan that
 * the steering module produces and every dialect renders in its own wire format.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The API dialect a request was recognised as. Later dialects extend this union. */
export type DialectName = 'anthropic' | 'openai-responses' | 'openai-chat' | 'gemini' | 'unknown';

export interface RecordedRequest {
  method: string;
  /** The URL path without its query string, e.g. `/v1/messages`. */
  path: string;
  /** The query string including the leading `?` (e.g. `?beta=true`), or an empty string. */
  query: string;
  /** Request headers; secrets (x-api-key, authorization, cookie) are replaced by `<redacted>`. */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when there was no body or it was not JSON. */
  body: unknown;
  dialect: DialectName;
  /** The directives found in the newest user text, comma separated (e.g. `thinking,tool`). */
  directive: string | undefined;
  /** A short description of what we answered (`text`, `tool_use`, `stall`, `http 500`, …). */
  reply: string;
  /** True when the connection closed before we finished the response. */
  clientDisconnected: boolean;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
}

export interface ScriptedModelServer {
  /**
   * e.g. `http://127.0.0.1:43123`; use it as ANTHROPIC_BASE_URL or GOOGLE_GEMINI_BASE_URL, or
   * `${url}/v1` as the base URL of an OpenAI Responses API or Chat Completions provider.
   */
  url: string;
  port: number;
  /** Every request received, in order (a live array). */
  requests: RecordedRequest[];
  /** Resolves when a request matching the predicate has been received (already or later). */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  /** Number of streaming responses currently open (a stalled response counts until the client leaves). */
  openStreams(): number;
  /** Resolves when openStreams() is 0; rejects after timeoutMs. */
  waitForAllStreamsClosed(timeoutMs?: number): Promise<void>;
  /** Closes the server and every socket, including stalled streams. */
  close(): Promise<void>;
}

export interface ScriptedModelServerOptions {
  /** Port to listen on; 0 (the default) picks a free port. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  /** When set, every request is appended to this JSONL file once its response is complete. */
  logFile?: string;
}

/** A JSON schema as sent in a tool definition; only the parts we read are typed. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export interface ToolDescription {
  name: string;
  inputSchema: JsonSchema | undefined;
  /** True for a freeform tool (Responses API `type: "custom"`) that takes plain text, not JSON. */
  freeform?: boolean;
  /**
   * A tool inside a Responses API `type: "namespace"` tool (Codex's MCP tools): `name` is then
   * `<namespace>__<tool>` (e.g. `mcp__subagents__run_agent`), and a call names the namespace
   * and the inner tool separately.
   */
  namespace?: { namespace: string; tool: string };
}

/** What the steering module needs to know about a request, whatever its dialect. */
export interface ConversationView {
  /** Number of entries in the request's message list. */
  messageCount: number;
  /** Text of the newest user message with system reminders removed, trimmed. */
  newestUserPrompt: string;
  /** Text contents of the tool results carried by the newest user message. */
  newestToolResults: string[];
  /** Prompts of the user messages before the newest one (system reminders removed). */
  earlierUserPrompts: string[];
  /** Text contents of every tool result in the history, oldest first. */
  toolOutputs: string[];
  tools: ToolDescription[];
  /** The agent's working directory, as announced in its system prompt. */
  workingDirectory: string | undefined;
  /** The JSON schema of a requested structured output, if any. */
  structuredOutputSchema: JsonSchema | undefined;
}

export type ReplyBlock =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; thinking: string; signature: string }
  /** The dialect assigns the call id when it renders the block. */
  | {
      kind: 'tool_use';
      name: string;
      input: Record<string, unknown>;
      /** For a namespaced tool (see ToolDescription.namespace): the Responses API call fields. */
      namespace?: { namespace: string; tool: string };
    }
  /** A call of a freeform tool (see ToolDescription.freeform) with plain-text input. */
  | { kind: 'freeform_tool_use'; name: string; input: string };

export type StopReason = 'end_turn' | 'tool_use';

/** A dialect-neutral description of the reply to send. */
export type ReplyPlan =
  | {
      kind: 'message';
      blocks: ReplyBlock[];
      stopReason: StopReason;
      /** Pause between streamed events, in milliseconds. */
      delayBetweenEventsMs: number;
    }
  /** Start streaming these text chunks, then send nothing more until the client leaves. */
  | { kind: 'stall'; textChunks: string[] }
  /** Answer with this HTTP error status. */
  | { kind: 'http-error'; status: number }
  /** Stream the first chunk of the message, then an error event; a non-streaming call gets the message. */
  | { kind: 'stream-error'; blocks: ReplyBlock[] };

export interface SteeringDecision {
  directive: string | undefined;
  reply: string;
  plan: ReplyPlan;
  /**
   * `[[mock:model=<name>]]`: the model the reply claims to come from, instead of the requested
   * one (a substitution behind the API, as a router or a safety fallback does).
   */
  answeredModel?: string;
}

/** One request/response pair as handed to a dialect by the core server. */
export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  record: RecordedRequest;
  /** The raw request body. */
  rawBody: string;
  /** True when the body was not empty but was not valid JSON either. */
  bodyParseFailed: boolean;
  /** Marks the response as a stream that openStreams() counts until it closes. */
  trackStream(): void;
}

export interface Dialect {
  name: DialectName;
  /** True when this dialect serves the given method and path (path without query string). */
  handles(method: string, path: string): boolean;
  /**
   * Decides the answer, filling in `record.directive` and `record.reply`, and returns the function
   * that sends it. The core records the request between the two steps, so that waitForRequest()
   * already sees the decision. `record.body` is parsed (undefined for invalid JSON).
   */
  prepare(exchange: Exchange): () => void | Promise<void>;
  /** Writes an error response in this dialect's error shape. */
  writeError(response: ServerResponse, status: number, message: string): void;
}
