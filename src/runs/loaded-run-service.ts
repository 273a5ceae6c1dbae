/**
 * The run service itself (see run-service.ts, which loads this module with the first run):
 * validates input against the configuration, waits for a concurrency slot, records the
 * session, runs the provider under its bounds, and ends every running child on shutdown.
 */
import type { ServerConfig } from '../config/index.js';
import type { Permissions } from '../events/index.js';
import { AgentError } from '../errors/index.js';
import { assertNoNulCharacter } from './check-run-text.js';
import { createConcurrencyLimiter } from './concurrency-limiter.js';
import { executeRun } from './execute-run.js';
import {
  assertChildDepthAllowed,
  depthEnvironmentVariable,
  readNestingDepth,
} from './nesting-depth.js';
import { createPendingRunRecord, createRunRecordStore } from './records/index.js';
import { resolveAllowedCwd } from './resolve-cwd.js';
import { runEndOfOutcome, type RunOutcome } from './run-outcome.js';
import type { RunContext, RunService, RunServiceOptions } from './run-service.js';
import { createSessionLock } from './session-lock.js';
import type { SessionRecord } from './session-store.js';

interface PreparedRun {
  providerId: string;
  cwd: string;
  prompt: string;
  model?: string;
  instructions?: string;
  permissions: Permissions;
  timeoutSeconds?: number;
  session?: SessionRecord;
}

export function createLoadedRunService(options: RunServiceOptions): RunService {
  const { config, registry, sessions } = options;
  const depth = readNestingDepth(options.environment);
  const limiter = createConcurrencyLimiter(config.maxConcurrentRuns);
  const shutdownController = new AbortController();
  const active = new Set<Promise<unknown>>();
  const sessionLock = createSessionLock();
  const records = createRunRecordStore({ stateDir: config.stateDir, ...config.records });

  const prompted = (prompt: string) => {
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      throw new AgentError('invalid_input', 'prompt must not be empty.');
    }
    return prompt;
  };

  const execute = async (prepared: PreparedRun, context: RunContext): Promise<RunOutcome> => {
    if (shutdownController.signal.aborted) {
      throw new AgentError('shutting_down', 'The server is shutting down.');
    }
    assertChildDepthAllowed(depth, config.maxDepth);
    const provider = registry.get(prepared.providerId);
    const timeoutSeconds = boundedTimeout(prepared.timeoutSeconds, config);
    const signal = AbortSignal.any([context.signal, shutdownController.signal]);
    const sessionId = prepared.session?.id ?? sessions.newId();
    context.onAccepted?.(sessionId);
    return sessionLock.run(sessionId, signal, async () => {
      const release = await limiter.acquire(signal, context.onQueued);
      const previousRuns = prepared.session?.runs ?? 0;
      // The record's file is made while the agent starts (on a warm agent process the file
      // system is the slower part); the events before it exists wait in memory.
      const recording = createPendingRunRecord(records.begin(sessionId, previousRuns));
      const createdAt = prepared.session?.createdAt ?? new Date().toISOString();
      const record = (
        nativeSessionId: string,
        model: string | undefined,
        runs: number,
      ): SessionRecord => ({
        id: sessionId,
        provider: provider.id,
        cwd: prepared.cwd,
        nativeSessionId,
        model,
        runs,
        createdAt,
        updatedAt: new Date().toISOString(),
      });
      const running = executeRun({
        provider,
        sessionId,
        signal,
        timeoutMs: timeoutSeconds * 1000,
        idleTimeoutMs: config.timeouts.idleSeconds * 1000,
        request: {
          prompt: prepared.prompt,
          cwd: prepared.cwd,
          model: prepared.model,
          instructions: prepared.instructions,
          permissions: prepared.permissions,
          resumeNativeSessionId: prepared.session?.nativeSessionId,
          environment: { ...options.environment, [depthEnvironmentVariable]: String(depth + 1) },
        },
        onEvent: (event) => {
          recording.write(event);
          return context.onEvent(event);
        },
        // Recorded with the runs before this one: this run's number is known at its end.
        onSessionStarted: (nativeSessionId, model) =>
          sessions.save(record(nativeSessionId, model, previousRuns)),
      }).then(async (outcome) => {
        const begun = await recording.begun;
        // The record is whole before the caller is handed its link.
        const end = runEndOfOutcome(outcome);
        // Removing old records walks the state directory: the result does not wait for it.
        if (begun && (await begun.finish(end, { isPruneAwaited: false }))) {
          outcome.record = { sessionId, runNumber: begun.runNumber };
        }
        return outcome;
      });
      active.add(running);
      try {
        const outcome = await running;
        if (outcome.nativeSessionId) {
          const runs = (await recording.begun)?.runNumber ?? previousRuns;
          await sessions.save(record(outcome.nativeSessionId, outcome.model, runs));
        }
        return outcome;
      } finally {
        active.delete(running);
        release();
      }
    });
  };

  return {
    get activeRuns() {
      return active.size;
    },

    async run(input, context) {
      const prompt = prompted(input.prompt);
      const { model, instructions } = input;
      assertNoNulCharacter({ prompt, model, instructions, cwd: input.cwd });
      const providerId = input.provider ?? config.defaultProvider;
      registry.get(providerId);
      const cwd = await resolveAllowedCwd(
        input.cwd ?? config.allowedRoots[0]!,
        config.allowedRoots,
      );
      return execute(
        {
          providerId,
          cwd,
          prompt,
          model: input.model,
          instructions: input.instructions,
          permissions: input.permissions ?? config.defaultPermissions,
          timeoutSeconds: input.timeoutSeconds,
        },
        context,
      );
    },

    async resume(input, context) {
      const prompt = prompted(input.prompt);
      assertNoNulCharacter({ prompt, model: input.model });
      const session = await sessions.get(input.sessionId);
      const cwd = await resolveAllowedCwd(session.cwd, config.allowedRoots);
      return execute(
        {
          providerId: session.provider,
          cwd,
          prompt,
          model: input.model,
          permissions: input.permissions ?? config.defaultPermissions,
          timeoutSeconds: input.timeoutSeconds,
          session,
        },
        context,
      );
    },

    readRecord: (reference) => records.read(reference),

    async shutdown() {
      shutdownController.abort(new AgentError('shutting_down', 'The server is shutting down.'));
      await Promise.allSettled([...active]);
    },
  };
}

function boundedTimeout(requested: number | undefined, config: ServerConfig): number {
  if (requested === undefined) return config.timeouts.defaultSeconds;
  if (!Number.isFinite(requested) || requested <= 0) {
    throw new AgentError(
      'invalid_input',
      `timeout_seconds must be a positive number, got ${requested}.`,
    );
  }
  return Math.min(requested, config.timeouts.maxSeconds);
}
