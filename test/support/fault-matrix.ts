/**
 * The fault matrix (docs/fault-matrix.md): one provider's cells, each on a built server of its
 * own so the cells of a file run side by side. Every cell ends with a clear error result (or,
 * when the server dies, no process of its run left), then the session resumes where the agent
 * kept it and a following call succeeds.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AgentEvent } from '../../src/events/index.js';
import { findProcessesWithMarker, parentOf } from './process-probe.js';
import { createProgressRecorder } from './progress-recorder.js';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  repositoryRoot,
  type AgentTestEnvironment,
  type RunToolResult,
  type StdioServerHandle,
} from './stdio-server-harness.js';

export type Fault =
  | 'agent-crash'
  | 'agent-hang'
  | 'garbage-stdout'
  | 'missing-binary'
  | 'http-401'
  | 'http-529'
  | 'client-disconnect'
  | 'server-sigterm'
  | 'server-sigkill';

/** How a run that met a fault must end. */
export interface ExpectedError {
  status: 'failed' | 'timed_out';
  code: string;
  message: RegExp;
}

/**
 * What resuming the session afterwards gives: the earlier turn recalled, or a clear error — or
 * either, where it races with the agent writing its session (`mayBeKept`).
 */
export type ExpectedResume = 'recalled' | { code: string; message: RegExp; mayBeKept?: boolean };

/** What a cell must observe where it differs from the defaults below. */
export interface CellExpectation {
  /** For the faults the server survives: the error the run ends with. */
  error?: Partial<ExpectedError>;
  /** Default `recalled` when the run reported a session. */
  resume?: ExpectedResume;
}

export interface FaultMatrixSpec {
  provider: string;
  /** Extra run_agent arguments of every call (e.g. the model). */
  args?: Record<string, unknown>;
  /** The configuration file that makes the provider run `path` instead of its CLI. */
  binaryConfig: (path: string) => Record<string, unknown>;
  /** Every cell of the provider's row. */
  faults: Fault[];
  /**
   * Cells another e2e test already proves, with where: skipped unless `FAULT_MATRIX_ALL=1`
   * (the resume after the fault is observed only then).
   */
  provedElsewhere?: Partial<Record<Fault, string>>;
  expectations?: Partial<Record<Fault, CellExpectation>>;
  /**
   * Resolves once the agent has written the session of a stalled run where a resume finds it.
   * Without it, a kill right after the model got the request races with the agent's own
   * (buffered) write of the session, and the resume after a crash may find nothing.
   */
  sessionWritten?: (written: { stateDir: string; tag: string }) => Promise<void>;
}

/** Short enough for the hang cell, long enough for every CLI's start on a loaded machine. */
const hangIdleSeconds = 15;

const defaultErrors: Record<Fault, ExpectedError | undefined> = {
  'agent-crash': { status: 'failed', code: 'agent_crashed', message: /\(SIGKILL\)/ },
  'agent-hang': {
    status: 'timed_out',
    code: 'idle_timeout',
    message: new RegExp(`reported nothing for ${hangIdleSeconds} s`),
  },
  'garbage-stdout': {
    status: 'failed',
    code: 'agent_crashed',
    message: /not JSON.*Welcome to the agent!/,
  },
  'missing-binary': { status: 'failed', code: 'spawn_failed', message: /no-such-agent/ },
  'http-401': { status: 'failed', code: 'upstream_error', message: /401/ },
  'http-529': { status: 'failed', code: 'upstream_error', message: /529/ },
  'client-disconnect': undefined,
  'server-sigterm': undefined,
  'server-sigkill': undefined,
};

interface FaultCell {
  fault: Fault;
  error?: ExpectedError;
  resume?: ExpectedResume;
}

const runEveryCell = process.env.FAULT_MATRIX_ALL === '1';
const runsNoCli: readonly Fault[] = ['garbage-stdout', 'missing-binary'];
/** Cells running a real CLI at once: more only slow each CLI's start on 2 cores. */
const cellsAtOnce = 3;
/** A cell's own time (up to ~80 s seen on a loaded machine) plus its wait for a slot. */
const cellTimeoutMs = 240_000;
const garbageAgentPath = join(repositoryRoot, 'test', 'fixtures', 'bin', 'garbage-agent.mjs');

interface CellServer {
  server: StdioServerHandle;
  /** Live processes of this cell's server (the server included). */
  processes(): ReturnType<typeof findProcessesWithMarker>;
}

export function describeFaultMatrix(spec: FaultMatrixSpec): void {
  let environment: AgentTestEnvironment;
  beforeAll(async () => {
    environment = await createAgentTestEnvironment();
  });
  afterAll(async () => {
    await environment?.close();
  });

  /** The cells' steps, bound to the running test's `expect` (the cells run concurrently). */
  const createCellRunners = (expect: ExpectStatic) => {
    const startCellServer = async (
      options: { args?: string[]; config?: Record<string, unknown> } = {},
    ): Promise<CellServer> => {
      const marker = `FAULT_MATRIX_CELL=${randomUUID()}`;
      const args = [...(options.args ?? [])];
      if (options.config) {
        const configFile = join(environment.stateDir, '..', `fault-config-${randomUUID()}.json`);
        writeFileSync(configFile, JSON.stringify(options.config));
        args.push('--config', configFile);
      }
      const server = await environment.startServer({
        args,
        environment: { FAULT_MATRIX_CELL: marker.slice(marker.indexOf('=') + 1) },
      });
      return {
        server,
        processes: () => findProcessesWithMarker(marker, { exclude: [process.pid] }),
      };
    };

    const run = (target: StdioServerHandle, prompt: string) =>
      callToolWithProgress(target, 'run_agent', { provider: spec.provider, ...spec.args, prompt });

    /** run_agent stalled at the model, resolved once the model holds the stream and the run started. */
    const startStalledRun = async (target: StdioServerHandle, tag: string) => {
      const progress = createProgressRecorder();
      const stalled = environment.model.waitForRequest(
        (request) =>
          request.directive === 'stall' &&
          JSON.stringify(request.body).includes(tag) &&
          !request.clientDisconnected,
        60_000,
      );
      const answer = target.client
        .callTool(
          {
            name: 'run_agent',
            arguments: { provider: spec.provider, ...spec.args, prompt: `${tag} [[mock:stall]]` },
          },
          undefined,
          { onprogress: progress.onprogress, timeout: 90_000 },
        )
        .then(
          (result) => ({ result: result as CallToolResult }),
          (error: unknown) => ({ error }),
        );
      await stalled;
      await expect.poll(() => runStart(progress.events()), { timeout: 20_000 }).toBeDefined();
      const sessionId = runStart(progress.events())!.sessionId;
      if (sessionId !== undefined)
        await spec.sessionWritten?.({ stateDir: environment.stateDir, tag });
      return { answer, sessionId };
    };

    /**
     * Resumes `sessionId` on `target` and checks what the cell expects. Where the resumed turn
     * fails, the model still got the earlier prompt: the agent kept the session.
     */
    const expectResume = async (
      target: StdioServerHandle,
      sessionId: string | undefined,
      tag: string,
      expected: ExpectedResume = 'recalled',
    ): Promise<string> => {
      if (sessionId === undefined) return 'no session';
      const prompt = `Go on ${tag}-resume [[mock:recall]]`;
      const { structured } = await callToolWithProgress(target, 'resume_agent', {
        session_id: sessionId,
        prompt,
      });
      const observed = `${structured.status} ${structured.error?.code ?? ''} ${structured.error?.message ?? structured.text.slice(0, 200)}`;
      process.stderr.write(`fault matrix: ${spec.provider} resume ${tag}: ${observed}\n`);
      const kept = expected === 'recalled' || (expected.mayBeKept && !structured.error);
      if (kept) {
        expect(structured.status).toBe('completed');
        expect(structured.text).toContain(`${tag} [[`);
        return 'recalled';
      }
      expect(structured).toMatchObject({ status: 'failed', error: { code: expected.code } });
      expect(structured.error!.message).toMatch(expected.message);
      if (expected.code === 'upstream_error') {
        const carried = environment.model.requests.some((request) => {
          const body = JSON.stringify(request.body);
          return body.includes(`${tag} [[`) && body.includes(`${tag}-resume`);
        });
        expect(carried).toBe(true);
      }
      return `${expected.code}: ${structured.error!.message}`;
    };

    const expectFollowingRun = async (target: StdioServerHandle) => {
      const { structured } = await run(target, 'Still there?');
      expect(structured).toMatchObject({ status: 'completed', text: 'Echo: Still there?' });
    };

    const expectError = (structured: RunToolResult, isError: unknown, expected: ExpectedError) => {
      expect(isError).toBe(true);
      expect(structured).toMatchObject({ status: expected.status, error: { code: expected.code } });
      expect(structured.error!.message).toMatch(expected.message);
    };

    const note = (fault: Fault, observed: string) =>
      process.stderr.write(`fault matrix: ${spec.provider} × ${fault}: ${observed}\n`);

    /** A fault the server survives: a clear error, the session resumed there, a following run. */
    const inRunCell = async (
      cell: FaultCell,
      produce: (tag: string) => Promise<{ structured: RunToolResult; isError: unknown }>,
      cellServer: CellServer,
      followingServer: () => Promise<StdioServerHandle> = () => Promise.resolve(cellServer.server),
    ) => {
      const tag = `cell-${cell.fault}-${randomUUID().slice(0, 8)}`;
      const { structured, isError } = await produce(tag);
      note(
        cell.fault,
        `${structured.status} ${structured.error?.code}: ${structured.error?.message}`,
      );
      expectError(structured, isError, cell.error!);
      const following = await followingServer();
      const resumed = await expectResume(following, structured.session_id, tag, cell.resume);
      note(cell.fault, `resume: ${resumed}`);
      if (resumed !== 'recalled') await expectFollowingRun(following);
      await cellServer.server.close();
      if (following !== cellServer.server) await following.close();
    };

    const listedAvailability = async (target: StdioServerHandle) => {
      const result = await target.client.callTool({ name: 'list_providers', arguments: {} });
      const { providers } = result.structuredContent as {
        providers: Array<Record<string, unknown>>;
      };
      return providers.find((entry) => entry.id === spec.provider)?.available;
    };

    /** A CLI that cannot be run: a clear error, no session, and the server answers the next call. */
    const brokenBinaryCell = async (cell: FaultCell, path: string) => {
      const { server } = await startCellServer({ config: spec.binaryConfig(path) });
      const { structured, isError } = await run(server, 'Say hello');
      note(
        cell.fault,
        `${structured.status} ${structured.error?.code}: ${structured.error?.message}`,
      );
      expectError(structured, isError, cell.error!);
      expect(structured.session_id).toBeUndefined();
      expect(await listedAvailability(server)).toBe(false);
      await server.close();
    };

    /** The server dies mid-run: nothing of it is left, and a new server resumes the session. */
    const serverDeathCell = async (cell: FaultCell, kill: (cellServer: CellServer) => unknown) => {
      const cellServer = await startCellServer();
      const tag = `cell-${cell.fault}-${randomUUID().slice(0, 8)}`;
      const { sessionId } = await startStalledRun(cellServer.server, tag);
      expect(cellServer.processes().length).toBeGreaterThan(1);
      await kill(cellServer);
      await expect.poll(() => cellServer.processes(), { timeout: 5000, interval: 50 }).toEqual([]);
      await cellServer.server.close();
      const { server } = await startCellServer();
      const resumed = await expectResume(server, sessionId, tag, cell.resume);
      // The resume, answered by the new server, is the following call.
      note(cell.fault, `no process left | resume in a new server: ${resumed}`);
      await server.close();
    };

    const cellRunners: Record<Fault, (cell: FaultCell) => Promise<void>> = {
      'agent-crash': async (cell) => {
        const cellServer = await startCellServer();
        await inRunCell(
          cell,
          async (tag) => {
            const { answer } = await startStalledRun(cellServer.server, tag);
            const agents = cellServer
              .processes()
              .filter((found) => parentOf(found.pid) === cellServer.server.pid);
            expect(agents.length).toBeGreaterThan(0);
            for (const agent of agents) process.kill(agent.pid, 'SIGKILL');
            return resultOf(await answer);
          },
          cellServer,
        );
      },
      'agent-hang': async (cell) => {
        const cellServer = await startCellServer({
          args: ['--idle-timeout', String(hangIdleSeconds)],
        });
        await inRunCell(
          cell,
          // Once the model holds the stream, the agent prints nothing more. On a loaded machine
          // a CLI may fall silent even before that, while it starts: the same fault, no session.
          (tag) => run(cellServer.server, `${tag} [[mock:stall]]`),
          cellServer,
          async () => (await startCellServer()).server,
        );
      },
      'garbage-stdout': (cell) => brokenBinaryCell(cell, garbageAgentPath),
      'missing-binary': (cell) =>
        brokenBinaryCell(cell, join(repositoryRoot, 'test', 'fixtures', 'bin', 'no-such-agent')),
      'http-401': async (cell) => {
        const cellServer = await startCellServer();
        await inRunCell(
          cell,
          (tag) => run(cellServer.server, `${tag} [[mock:error=401]]`),
          cellServer,
        );
      },
      'http-529': async (cell) => {
        const cellServer = await startCellServer();
        await inRunCell(
          cell,
          (tag) => run(cellServer.server, `${tag} [[mock:error=529]]`),
          cellServer,
        );
      },
      'client-disconnect': (cell) => serverDeathCell(cell, ({ server }) => server.client.close()),
      'server-sigterm': (cell) =>
        serverDeathCell(cell, ({ server }) => process.kill(server.pid, 'SIGTERM')),
      'server-sigkill': (cell) =>
        serverDeathCell(cell, ({ server }) => process.kill(server.pid, 'SIGKILL')),
    };
    return cellRunners;
  };

  const cellSlots = createSlots(cellsAtOnce);
  describe.concurrent(`${spec.provider} fault matrix`, () => {
    for (const fault of spec.faults) {
      const expectation = spec.expectations?.[fault] ?? {};
      const defaultError = defaultErrors[fault];
      const error = defaultError && { ...defaultError, ...expectation.error };
      const cell: FaultCell = { fault, error, resume: expectation.resume };
      const skip = spec.provedElsewhere?.[fault] !== undefined && !runEveryCell;
      it.skipIf(skip)(
        `${fault}: ends clearly, the session resumes where kept, the server serves on`,
        ({ expect }) => {
          const runCell = () => createCellRunners(expect)[fault](cell);
          // A broken binary starts no CLI: it needs no slot.
          return runsNoCli.includes(fault) ? runCell() : cellSlots.run(runCell);
        },
        cellTimeoutMs,
      );
    }
  });
}

/** At most `size` tasks at once; the others wait in order. */
function createSlots(size: number) {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free += 1;
      }
    },
  };
}

/** A tool call's result as the cells read it; a call the server did not answer throws. */
function resultOf(outcome: { result: CallToolResult } | { error: unknown }) {
  if ('error' in outcome) throw outcome.error;
  return {
    structured: outcome.result.structuredContent as unknown as RunToolResult,
    isError: outcome.result.isError,
  };
}

function runStart(events: AgentEvent[]) {
  return events.find(
    (event): event is Extract<AgentEvent, { type: 'run-start' }> => event.type === 'run-start',
  );
}
