/**
 * An in-process provider that replays a script of events — for testing the run executor and
 * the MCP surface without a CLI. It honours the provider contract (one start, one end, abort
 * ends the stream with cancelled/timed_out).
 */
import type { AgentEvent } from '../../src/events/index.js';
import type { AgentProvider, ProviderRunRequest } from '../../src/providers/agent-provider.js';
import { errorForAbortReason, statusForAbortReason } from '../../src/providers/kit/run-endings.js';

export type ScriptStep = AgentEvent | { wait: number } | { waitForAbort: true };

export interface ScriptedProvider extends AgentProvider {
  requests: ProviderRunRequest[];
}

export function createScriptedProvider(
  script: (request: ProviderRunRequest) => ScriptStep[],
  id = 'scripted',
): ScriptedProvider {
  const requests: ProviderRunRequest[] = [];
  return {
    id,
    name: 'Scripted test provider',
    capabilities: { resume: true, cancel: true, permissions: true, streamingText: true },
    requests,
    probe: () => Promise.resolve({ available: true, auth: 'ok', version: '1.0.0' }),
    async *run(request) {
      requests.push(request);
      for (const step of script(request)) {
        if ('type' in step) {
          yield step;
          continue;
        }
        const aborted = await waitOrAbort(request.signal, 'wait' in step ? step.wait : undefined);
        if (aborted) {
          yield {
            type: 'run-end',
            status: statusForAbortReason(request.signal.reason),
            text: '',
            finishReason: { unified: 'interrupted' },
            error: errorForAbortReason(request.signal.reason),
          };
          return;
        }
      }
    },
  };
}

function waitOrAbort(signal: AbortSignal, ms: number | undefined): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(() => done(false), ms);
    const onAbort = () => done(true);
    const done = (aborted: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(aborted);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
