import { randomUUID } from 'node:crypto';
import type { AgentEvent } from '../../events/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../../config/index.js';
import { toAgentError } from '../../errors/index.js';
import type { RunOutcome, RunService } from '../../runs/index.js';
import { describeEvent } from '../progress/describe-event.js';
import { refusalToToolResult, runOutcomeToToolResult } from '../tools/run-tool-result.js';
import type { BackgroundCall, BackgroundRunStatus, BackgroundRuns } from './background-runs.js';

/** The provider a call names, for messages; a resumed session's is known only once it runs. */
function providerOf(call: BackgroundCall, config: ServerConfig): string {
  return call.tool === 'run_agent' ? (call.input.provider ?? config.defaultProvider) : 'session';
}

interface Entry {
  controller: AbortController;
  latest?: string;
  result?: CallToolResult;
  cancelled: boolean;
}

/**
 * Background runs kept in memory by this process, over the RunService: each keeps the
 * service's guarantees (bounds, concurrency slots, records, shutdown ends it). The minimal
 * stand-in until the background-run service of `run_agent { background: true }` takes over.
 */
export function createRunBackgroundRuns(runs: RunService, config: ServerConfig): BackgroundRuns {
  const entries = new Map<string, Entry>();

  function settle(entry: Entry, provider: string, work: Promise<RunOutcome>): void {
    work.then(
      (outcome) => {
        entry.result = runOutcomeToToolResult(outcome, config.maxResultTextCharacters);
      },
      (error: unknown) => {
        entry.result = refusalToToolResult(toAgentError(error), provider);
      },
    );
  }

  return {
    start(call) {
      const id = randomUUID();
      const entry: Entry = { controller: new AbortController(), cancelled: false };
      entries.set(id, entry);
      const provider = providerOf(call, config);
      let cwd: string | undefined;
      const context = {
        signal: entry.controller.signal,
        onEvent: (event: AgentEvent) => {
          if (event.type === 'run-start') cwd = event.cwd;
          entry.latest = describeEvent(provider, event, { cwd, answerSoFar: '' });
        },
        onQueued: (position: number) => {
          entry.latest = `queued: waiting for a free run slot (${position} waiting)`;
        },
      };
      const work =
        call.tool === 'run_agent'
          ? runs.run(call.input, context)
          : runs.resume(call.input, context);
      settle(entry, provider, work);
      return Promise.resolve(id);
    },
    status(id): BackgroundRunStatus | undefined {
      const entry = entries.get(id);
      if (!entry) return undefined;
      if (entry.cancelled && entry.result) return { state: 'cancelled' };
      if (entry.result) return { state: 'finished', message: entry.latest };
      return { state: 'running', message: entry.latest };
    },
    result(id) {
      return entries.get(id)?.result;
    },
    cancel(id) {
      const entry = entries.get(id);
      if (!entry) return Promise.resolve(false);
      if (!entry.result) {
        entry.cancelled = true;
        entry.controller.abort();
      }
      return Promise.resolve(true);
    },
  };
}
