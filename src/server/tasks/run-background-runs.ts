import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../../config/index.js';
import { AgentError, toAgentError } from '../../errors/index.js';
import type { AgentEvent } from '../../events/index.js';
import type { RunContext, RunOutcome, RunRecordReference, RunService } from '../../runs/index.js';
import { refusalToToolResult, runOutcomeToToolResult } from '../tools/run-tool-result.js';
import {
  defaultBackgroundRetention,
  type BackgroundCall,
  type BackgroundRetention,
  type BackgroundRunStatus,
  type BackgroundRuns,
  type BackgroundRunView,
  type BackgroundStartOptions,
} from './background-runs.js';
import { createRecentEvents, type RecentEvents } from './recent-events.js';

interface Entry {
  owner?: string;
  provider: string;
  sessionId?: string;
  startedAt: number;
  controller: AbortController;
  cancelled: boolean;
  recent: RecentEvents;
  listeners: Set<(event: AgentEvent) => void>;
  result?: CallToolResult;
  record?: RunRecordReference;
  endedAt?: number;
  /** The order runs ended in (times can tie). */
  endSequence?: number;
  ended: Promise<void>;
}

/** The provider a call names, for messages; a resumed session's is known only once it runs. */
function providerOf(call: BackgroundCall, config: ServerConfig): string {
  return call.tool === 'run_agent' ? (call.input.provider ?? config.defaultProvider) : 'session';
}

const sessionKey = (sessionId: string, owner: string | undefined) => `${owner ?? ''}\n${sessionId}`;

/**
 * Background runs kept in memory by this process, over the RunService: each keeps the
 * service's guarantees (bounds, concurrency slots, records, shutdown ends it). Ended runs stay
 * readable for `retainMs` and at most `maxEnded` of them (defaultBackgroundRetention).
 */
export function createRunBackgroundRuns(
  runs: RunService,
  config: ServerConfig,
  retention: BackgroundRetention = {},
): BackgroundRuns {
  const maxEnded = retention.maxEnded ?? defaultBackgroundRetention.maxEnded;
  const retainMs = retention.retainMs ?? defaultBackgroundRetention.retainMs;
  const entries = new Map<string, Entry>();
  const bySession = new Map<string, string>();
  let endSequence = 0;

  function forget(id: string, entry: Entry): void {
    entries.delete(id);
    if (entry.sessionId === undefined) return;
    const key = sessionKey(entry.sessionId, entry.owner);
    if (bySession.get(key) === id) bySession.delete(key);
  }

  function prune(): void {
    const ended = [...entries]
      .filter(([, entry]) => entry.endedAt !== undefined)
      .sort(([, a], [, b]) => a.endSequence! - b.endSequence!);
    const now = Date.now();
    ended.forEach(([id, entry], index) => {
      const isOld = now - entry.endedAt! > retainMs;
      if (isOld || ended.length - index > maxEnded) forget(id, entry);
    });
  }

  /** Never rejects: whatever happens, the run ends with a tool result. */
  async function settle(entry: Entry, work: Promise<RunOutcome>): Promise<void> {
    try {
      const outcome = await work;
      entry.record = outcome.record;
      entry.result = runOutcomeToToolResult(outcome, config.maxResultTextCharacters);
    } catch (error) {
      // Cancelled while it waited for a slot or for its session: it never ran.
      const status = entry.cancelled ? 'cancelled' : 'failed';
      entry.result = refusalToToolResult(toAgentError(error), entry.provider, status);
    }
  }

  const find = (id: string) => {
    prune();
    return entries.get(id);
  };

  return {
    async start(call: BackgroundCall, options: BackgroundStartOptions = {}) {
      prune();
      const id = randomUUID();
      const provider = options.provider ?? providerOf(call, config);
      let accept = () => {};
      const accepted = new Promise<void>((resolve) => (accept = resolve));
      const entry: Entry = {
        owner: options.owner,
        provider,
        startedAt: Date.now(),
        controller: new AbortController(),
        cancelled: false,
        recent: createRecentEvents(provider),
        listeners: new Set(),
        ended: accepted,
      };
      entries.set(id, entry);
      const context: RunContext = {
        signal: entry.controller.signal,
        onAccepted: (sessionId) => {
          entry.sessionId = sessionId;
          bySession.set(sessionKey(sessionId, entry.owner), id);
          accept();
        },
        onEvent: (event) => {
          entry.recent.push(event);
          for (const listener of entry.listeners) listener(event);
        },
        onQueued: (position) =>
          entry.recent.status(`queued: waiting for a free run slot (${position} waiting)`),
      };
      const work =
        call.tool === 'run_agent'
          ? runs.run(call.input, context)
          : runs.resume(call.input, context);
      entry.ended = settle(entry, work).finally(() => {
        entry.endedAt = Date.now();
        entry.endSequence = endSequence += 1;
        entry.listeners.clear();
        accept();
      });
      await accepted;
      return id;
    },

    status(id): BackgroundRunStatus | undefined {
      const entry = find(id);
      if (!entry) return undefined;
      if (entry.cancelled && entry.result) return { state: 'cancelled' };
      const message = entry.recent.lines().at(-1);
      return { state: entry.result ? 'finished' : 'running', message };
    },

    result: (id) => find(id)?.result,

    cancel(id) {
      const entry = find(id);
      if (!entry) return Promise.resolve(false);
      if (!entry.result) {
        entry.cancelled = true;
        entry.controller.abort(new AgentError('cancelled', 'The background run was cancelled.'));
      }
      return Promise.resolve(true);
    },

    findBySession(sessionId, owner) {
      prune();
      return bySession.get(sessionKey(sessionId, owner));
    },

    view(id): BackgroundRunView | undefined {
      const entry = find(id);
      if (!entry) return undefined;
      return {
        sessionId: entry.sessionId,
        provider: entry.provider,
        startedAt: entry.startedAt,
        latestEvents: entry.recent.lines(),
        toolCalls: entry.recent.toolCalls,
        filesChanged: entry.recent.filesChanged,
        record: entry.record,
      };
    },

    settled(id, timeoutMs, signal) {
      const entry = entries.get(id);
      if (!entry) return Promise.resolve(false);
      if (entry.endedAt !== undefined) return Promise.resolve(true);
      return new Promise((resolve) => {
        const finish = (isEnded: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(isEnded);
        };
        const onAbort = () => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (signal?.aborted) onAbort();
        void entry.ended.then(() => finish(true));
      });
    },

    watch(id, listener) {
      const entry = entries.get(id);
      if (!entry || entry.endedAt !== undefined) return () => {};
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },

    get running() {
      return [...entries.values()].filter((entry) => entry.endedAt === undefined).length;
    },

    async idle() {
      for (;;) {
        const running = [...entries.values()].filter((entry) => entry.endedAt === undefined);
        if (running.length === 0) return;
        await Promise.all(running.map((entry) => entry.ended));
      }
    },
  };
}
