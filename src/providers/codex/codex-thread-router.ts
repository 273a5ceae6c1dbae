/**
 * Several runs on one `codex app-server`, each on a thread of its own: the router reads the
 * server's one transcript and hands each line to the run it belongs to, so that a run's decoder
 * sees what it saw when the server was its own — its requests and their responses, the
 * notifications and server requests (approvals) of its thread and our replies to them — and
 * nothing of another run. Lines of no thread (a warning, a line that is not JSON) go to every
 * run. Owning a thread: `thread/resume` and `turn/start` name it when sent, a `thread/start`
 * response names the new one; notifications of a thread nobody owns yet wait for that response,
 * those of a thread its run has left are dropped. A held channel (a thread started ahead of the
 * run that will use it) gets no broadcast and keeps its lines until `handOver` gives them, its
 * requests and its threads to a run's channel, as if that run had sent its requests.
 */
import { createAsyncQueue, type AsyncQueue } from '../kit/async-queue.js';
import type {
  CodexAppServerClient,
  CodexRequestOptions,
  CodexTranscriptEntry,
} from './codex-app-server-client.js';

/** One run's view of a shared app-server. */
export interface CodexThreadChannel {
  /** This run's lines, in order; ends on `close` or when the server's output ends. One reader. */
  readonly entries: AsyncIterable<CodexTranscriptEntry>;
  /** A request of this run: its line and its response are this run's. */
  request(method: string, params: unknown, options?: CodexRequestOptions): Promise<unknown>;
  /** The server's output ended (it exited) while the channel was open. */
  readonly serverEnded: boolean;
  /** The threads this run has used. */
  readonly threadIds: readonly string[];
  /** Stops routing to this run and frees its threads. Idempotent. */
  close(): void;
  /**
   * A held channel's lines so far, its requests' responses to come and its threads become
   * `to`'s, and this one closes. False (nothing moved) when either is closed or not a held one.
   */
  handOver(to: CodexThreadChannel): boolean;
}

export interface CodexThreadRouter {
  /**
   * A channel for a new run; one already ended when the server's output has. `held`: for
   * requests made ahead of the run (see `handOver`): no broadcast, its lines kept, not read.
   */
  open(options?: { held?: boolean }): CodexThreadChannel;
  /** Runs with an open channel (held channels are not counted). */
  readonly openChannels: number;
}

interface ChannelState {
  tag: string;
  queue: AsyncQueue<CodexTranscriptEntry>;
  /** A held channel's lines (it has no reader); undefined for a run's. */
  kept?: CodexTranscriptEntry[];
  threadIds: Set<string>;
  isOpen: boolean;
  serverEnded: boolean;
}

// Notifications of threads nobody owns: a thread/start not answered yet, or a thread Codex
// started by itself (a sub-agent), which no run ever claims. Bounded, oldest thread dropped.
const heldEntriesLimit = 500;
// Threads a run has left: their late lines (a status change after turn/completed) are dropped,
// not held for the next run that resumes the thread.
const leftThreadsLimit = 1000;

export function createCodexThreadRouter(client: CodexAppServerClient): CodexThreadRouter {
  const channels = new Map<string, ChannelState>();
  const threads = new Map<string, ChannelState>();
  const ourRequests = new Map<string, ChannelState>();
  const serverRequests = new Map<string, ChannelState[]>();
  const held = new Map<string, CodexTranscriptEntry[]>();
  const left = new Set<string>();
  let heldCount = 0;
  let nextTag = 0;
  let hasEnded = false;

  const deliver = (channel: ChannelState, entry: CodexTranscriptEntry): void => {
    if (!channel.isOpen) return;
    if (channel.kept) channel.kept.push(entry);
    else channel.queue.push(entry);
  };
  const broadcast = (entry: CodexTranscriptEntry): ChannelState[] => {
    const open = [...channels.values()].filter((channel) => !channel.kept);
    for (const channel of open) deliver(channel, entry);
    return open;
  };

  const claim = (threadId: string, channel: ChannelState): void => {
    if (!channel.isOpen) return;
    left.delete(threadId);
    threads.set(threadId, channel);
    channel.threadIds.add(threadId);
    const waiting = held.get(threadId);
    if (waiting === undefined) return;
    held.delete(threadId);
    heldCount -= waiting.length;
    for (const entry of waiting) deliver(channel, entry);
  };

  const hold = (threadId: string, entry: CodexTranscriptEntry): void => {
    const waiting = held.get(threadId) ?? [];
    waiting.push(entry);
    held.set(threadId, waiting);
    heldCount += 1;
    while (heldCount > heldEntriesLimit) {
      const [oldest, entries] = held.entries().next().value!;
      held.delete(oldest);
      heldCount -= entries.length;
    }
  };

  const routeSent = (entry: CodexTranscriptEntry, message: WireMessage): void => {
    const key = idKey(message.id);
    if (message.method !== undefined) {
      const channel = entry.tag === undefined ? undefined : channels.get(entry.tag);
      if (channel === undefined) return;
      if (key !== undefined) ourRequests.set(key, channel);
      const threadId = threadIdOf(message.params);
      if (threadId !== undefined) claim(threadId, channel);
      deliver(channel, entry);
      return;
    }
    // Our reply to a server request goes where the request went.
    if (key === undefined) return;
    const owners = serverRequests.get(key) ?? [];
    serverRequests.delete(key);
    for (const channel of owners) deliver(channel, entry);
  };

  const routeReceived = (entry: CodexTranscriptEntry, message: WireMessage): void => {
    const key = idKey(message.id);
    if (message.method === undefined) {
      if (key === undefined) return;
      const channel = ourRequests.get(key);
      ourRequests.delete(key);
      if (channel === undefined) return;
      const threadId = threadIdOf(message.result);
      if (threadId !== undefined) claim(threadId, channel);
      deliver(channel, entry);
      return;
    }
    const threadId = threadIdOf(message.params);
    if (threadId === undefined) {
      const reached = broadcast(entry);
      if (key !== undefined) serverRequests.set(key, reached);
      return;
    }
    const owner = threads.get(threadId);
    if (owner !== undefined) {
      if (key !== undefined) serverRequests.set(key, [owner]);
      deliver(owner, entry);
      return;
    }
    // A server request of a thread no run owns is answered by policy and shown nowhere.
    if (key === undefined && !left.has(threadId)) hold(threadId, entry);
  };

  const route = (entry: CodexTranscriptEntry): void => {
    const message = parseMessage(entry.line);
    if (message === undefined) {
      // Not JSON-RPC: every run's decoder says so (the server is broken for all of them).
      if (entry.direction === 'received') broadcast(entry);
      return;
    }
    if (entry.direction === 'sent') routeSent(entry, message);
    else routeReceived(entry, message);
  };

  const end = (): void => {
    hasEnded = true;
    for (const channel of channels.values()) {
      channel.serverEnded = true;
      channel.queue.end();
    }
    channels.clear();
  };

  const handOver = (from: ChannelState, to: ChannelState): boolean => {
    if (!from.kept || !from.isOpen || to.kept || !to.isOpen) return false;
    const kept = from.kept;
    const threadIds = [...from.threadIds];
    from.isOpen = false;
    channels.delete(from.tag);
    for (const entry of kept) deliver(to, entry);
    for (const [key, owner] of ourRequests) if (owner === from) ourRequests.set(key, to);
    for (const threadId of threadIds) claim(threadId, to);
    return true;
  };

  void (async () => {
    try {
      for await (const entry of client.transcript()) route(entry);
    } finally {
      end();
    }
  })();

  const states = new WeakMap<CodexThreadChannel, ChannelState>();

  return {
    open(options = {}) {
      const state: ChannelState = {
        tag: `run-${nextTag++}`,
        queue: createAsyncQueue<CodexTranscriptEntry>(),
        ...(options.held ? { kept: [] } : {}),
        threadIds: new Set(),
        isOpen: !hasEnded,
        serverEnded: hasEnded,
      };
      if (hasEnded) state.queue.end();
      else channels.set(state.tag, state);
      const channel: CodexThreadChannel = {
        entries: state.queue,
        request: (method, params, options = {}) =>
          client.request(method, params, { ...options, tag: state.tag }),
        get serverEnded() {
          return state.serverEnded;
        },
        get threadIds() {
          return [...state.threadIds];
        },
        close() {
          if (!state.isOpen) return;
          state.isOpen = false;
          channels.delete(state.tag);
          for (const threadId of state.threadIds) {
            if (threads.get(threadId) !== state) continue;
            threads.delete(threadId);
            left.add(threadId);
            if (left.size > leftThreadsLimit) left.delete(left.values().next().value!);
          }
          state.queue.end();
        },
        handOver(to) {
          const target = states.get(to);
          return target !== undefined && handOver(state, target);
        },
      };
      states.set(channel, state);
      return channel;
    },
    get openChannels() {
      return [...channels.values()].filter((channel) => !channel.kept).length;
    },
  };
}

interface WireMessage {
  id?: unknown;
  method?: string;
  params?: unknown;
  result?: unknown;
}

function parseMessage(line: string): WireMessage | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const { method } = value as { method?: unknown };
    if (method !== undefined && typeof method !== 'string') return undefined;
    return value;
  } catch {
    return undefined;
  }
}

function idKey(id: unknown): string | undefined {
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** The thread a message is about: `threadId`, or the `thread` it carries (thread/started…). */
function threadIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { threadId, thread } = value as { threadId?: unknown; thread?: { id?: unknown } };
  if (typeof threadId === 'string') return threadId;
  const id = typeof thread === 'object' && thread !== null ? thread.id : undefined;
  return typeof id === 'string' ? id : undefined;
}
