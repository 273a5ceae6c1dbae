/**
 * Executes `run_agent` / `resume_agent` calls: validates input against the configuration,
 * waits for a concurrency slot, records the session, runs the provider under its bounds, and
 * ends every running child on shutdown. The work is in loaded-run-service.ts, loaded with the
 * first call so a server start does not pay for it.
 */
import type { ServerConfig } from '../config/index.js';
import type { AgentEvent, Permissions } from '../events/index.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { RunRecordReference } from './records/index.js';
import type { RunOutcome } from './run-outcome.js';
import type { SessionStore } from './session-store.js';

export interface RunAgentInput {
  prompt: string;
  provider?: string;
  cwd?: string;
  model?: string;
  permissions?: Permissions;
  instructions?: string;
  timeoutSeconds?: number;
}

export interface ResumeAgentInput {
  sessionId: string;
  prompt: string;
  model?: string;
  permissions?: Permissions;
  timeoutSeconds?: number;
}

export interface RunContext {
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void | Promise<void>;
  /** Told the queue position when the run must wait for a free slot. */
  onQueued?: (position: number) => void;
  /** Told our session id once the call passed validation, before it waits for a slot. */
  onAccepted?: (sessionId: string) => void;
}

export interface RunService {
  /** Validation failures throw AgentError; everything after validation returns an outcome. */
  run(input: RunAgentInput, context: RunContext): Promise<RunOutcome>;
  resume(input: ResumeAgentInput, context: RunContext): Promise<RunOutcome>;
  /** A run's record as JSON lines (so far, while it runs); undefined when there is none. */
  readRecord(reference: RunRecordReference): Promise<string | undefined>;
  /** Ends every running and queued run and waits for their processes to be gone. */
  shutdown(): Promise<void>;
  readonly activeRuns: number;
}

export interface RunServiceOptions {
  config: ServerConfig;
  registry: ProviderRegistry;
  sessions: SessionStore;
  /** The server's own environment; children inherit it. */
  environment: Record<string, string | undefined>;
}

export function createRunService(options: RunServiceOptions): RunService {
  let loaded: RunService | undefined;
  let loading: Promise<RunService> | undefined;
  let isShutDown = false;
  const load = () =>
    (loading ??= import('./loaded-run-service.js').then(({ createLoadedRunService }) => {
      loaded = createLoadedRunService(options);
      // Shut down before it was needed: it refuses every run, as it would have.
      if (isShutDown) void loaded.shutdown();
      return loaded;
    }));
  return {
    get activeRuns() {
      return loaded?.activeRuns ?? 0;
    },
    async run(input, context) {
      return (await load()).run(input, context);
    },
    async resume(input, context) {
      return (await load()).resume(input, context);
    },
    async readRecord(reference) {
      return (await load()).readRecord(reference);
    },
    async shutdown() {
      isShutDown = true;
      if (loading) await (await loading).shutdown();
    },
  };
}
