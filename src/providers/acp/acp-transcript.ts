import { acpMessageSchema } from './acp-wire.js';

/**
 * One JSON-RPC message as it crossed the agent's stdio: what we `sent` and what we `received`.
 * `line` instead of `message` for a received line that was not JSON.
 */
export interface AcpTranscriptEntry {
  /** `note`: something the provider itself has to say (`line`), shown as a warning. */
  direction: 'sent' | 'received' | 'note';
  message?: unknown;
  line?: string;
}

/** One transcript entry, read as what it is in the conversation. */
export type AcpTranscriptMessage =
  | { kind: 'request'; method: string; params: unknown }
  /** The agent's answer to one of our requests, with the request it answers. */
  | { kind: 'response'; method: string; params: unknown; result?: unknown; error?: unknown }
  | { kind: 'notification'; method: string; params: unknown }
  /** A request from the agent; `reply` follows once we answered it. */
  | { kind: 'agent-request'; method: string; params: unknown }
  | { kind: 'reply'; method: string; params: unknown; result?: unknown; error?: unknown }
  /** A received line that is not JSON, or not JSON-RPC. */
  | { kind: 'malformed'; problem: string }
  | { kind: 'note'; text: string };

const shownLineLength = 200;

/**
 * Reads a transcript entry by entry, matching answers to requests by id (ours and the agent's
 * are separate id spaces). Never throws.
 */
export function createAcpTranscriptReader(): {
  read(entry: AcpTranscriptEntry): AcpTranscriptMessage | undefined;
} {
  const ourRequests = new Map<string, { method: string; params: unknown }>();
  const agentRequests = new Map<string, { method: string; params: unknown }>();

  return {
    read(entry) {
      if (entry.direction === 'note') return { kind: 'note', text: entry.line ?? '' };
      const isSent = entry.direction === 'sent';
      if (entry.message === undefined) {
        if (isSent) return undefined;
        const line = (entry.line ?? '').slice(0, shownLineLength);
        return { kind: 'malformed', problem: `printed a line that is not JSON: ${line}` };
      }
      const parsed = acpMessageSchema.safeParse(entry.message);
      if (!parsed.success) {
        if (isSent) return undefined;
        const text = JSON.stringify(entry.message).slice(0, shownLineLength);
        return { kind: 'malformed', problem: `sent a message that is not JSON-RPC: ${text}` };
      }
      const { id, method, params, result, error } = parsed.data;
      if (method !== undefined && id !== undefined && id !== null) {
        (isSent ? ourRequests : agentRequests).set(String(id), { method, params });
        return isSent
          ? { kind: 'request', method, params }
          : { kind: 'agent-request', method, params };
      }
      if (method !== undefined)
        return isSent ? undefined : { kind: 'notification', method, params };
      if (id === undefined || id === null) {
        if (isSent || error === undefined) return undefined;
        return {
          kind: 'malformed',
          problem: `reported an error without a request: ${JSON.stringify(error)}`,
        };
      }
      const requests = isSent ? agentRequests : ourRequests;
      const request = requests.get(String(id));
      if (request === undefined) return undefined;
      requests.delete(String(id));
      return { kind: isSent ? 'reply' : 'response', ...request, result, error };
    },
  };
}
