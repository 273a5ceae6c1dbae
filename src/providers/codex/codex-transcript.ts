import type {
  CodexServerReply,
  CodexServerRequest,
  CodexTranscriptEntry,
} from './codex-app-server-client.js';
import { truncate } from '../kit/truncate-text.js';
import { codexMessageSchema } from './codex-wire.js';

/** One transcript line, read as what it is in the conversation. */
export type CodexTranscriptMessage =
  /** A request we sent (its response comes later). */
  | { kind: 'request'; method: string; params: unknown }
  /** The app-server's answer to one of our requests, with the request it answers. */
  | { kind: 'response'; method: string; params: unknown; result?: unknown; error?: unknown }
  | { kind: 'notification'; method: string; params: unknown }
  /** A request from the app-server; `reply` follows when we have answered it. */
  | { kind: 'server-request'; request: CodexServerRequest }
  | { kind: 'reply'; request: CodexServerRequest; reply: CodexServerReply }
  /** A received line that is not JSON, or not JSON-RPC. */
  | { kind: 'malformed'; problem: string };

export interface CodexTranscriptReader {
  /** The meaning of one line; `undefined` for what needs no attention (an unmatched id…). */
  read(entry: CodexTranscriptEntry): CodexTranscriptMessage | undefined;
}

/**
 * Reads a transcript line by line, matching responses to our requests and our replies to the
 * app-server's requests by id (the two id spaces are separate: ours in `sent` requests, the
 * server's in `received` ones).
 */
export function createCodexTranscriptReader(): CodexTranscriptReader {
  const ourRequests = new Map<string, { method: string; params: unknown }>();
  const serverRequests = new Map<string, CodexServerRequest>();

  return {
    read(entry) {
      const isSent = entry.direction === 'sent';
      let value: unknown;
      try {
        value = JSON.parse(entry.line);
      } catch {
        if (isSent) return undefined;
        const line = truncate(entry.line, 200);
        return { kind: 'malformed', problem: `printed a line that is not JSON: ${line}` };
      }
      const parsed = codexMessageSchema.safeParse(value);
      if (!parsed.success) {
        if (isSent) return undefined;
        const line = truncate(entry.line, 200);
        return { kind: 'malformed', problem: `sent a message that is not JSON-RPC: ${line}` };
      }
      const { id, method, params, result, error } = parsed.data;
      if (method !== undefined && id !== undefined) {
        if (isSent) {
          ourRequests.set(String(id), { method, params });
          return { kind: 'request', method, params };
        }
        const request = { id, method, params };
        serverRequests.set(String(id), request);
        return { kind: 'server-request', request };
      }
      if (method !== undefined)
        return isSent ? undefined : { kind: 'notification', method, params };
      if (id === undefined) return undefined;
      const requests = isSent ? serverRequests : ourRequests;
      const request = requests.get(String(id));
      if (request === undefined) return undefined;
      requests.delete(String(id));
      if (isSent) {
        const reply: CodexServerReply =
          error === undefined ? { result } : { error: error as { code: number; message: string } };
        return { kind: 'reply', request: request as CodexServerRequest, reply };
      }
      return { kind: 'response', method: request.method, params: request.params, result, error };
    },
  };
}
