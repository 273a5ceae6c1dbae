/**
 * The warm app-server pool through the provider, with the real `codex app-server` against the
 * scripted model server: kept while runs come, stopped when idle or disposed, one per
 * environment within `maxProcesses`.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { createCodexTestFolder } from '../../../test/support/codex-home.js';
import { findProcessesWithMarker } from '../../../test/support/process-probe.js';
import { collectProviderRun } from '../../../test/support/provider-contract.js';
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from '../../../test/support/scripted-model-server/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import type { Permissions } from '../../events/index.js';
import { buildCodexArgs, buildCodexThreadRequest } from './codex-args.js';
import { findCodexBinary } from './codex-binary.js';
import { buildCodexEnvironment } from './codex-environment.js';
import { codexThreadResultSchema } from './codex-wire.js';
import { createCodexProvider } from './codex-provider.js';
import { codexDefinition } from './codex-definition.js';

let model: ScriptedModelServer;
let folder: string;
let environment: Record<string, string>;
const marker = `CODEX_POOL_TEST=${randomUUID()}`;

beforeAll(async () => {
  model = await startScriptedModelServer({ port: 0 });
  ({ folder, environment } = await createCodexTestFolder({
    prefix: 'codex-pool-',
    modelServerUrl: model.url,
    codexBinary: findCodexBinary({ environment: process.env }),
    directories: ['one', 'two'],
    marker,
  }));
});

afterAll(async () => {
  await model?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const request = (prompt: string, directory = 'one'): ProviderRunRequest => ({
  prompt,
  cwd: join(folder, directory),
  permissions: 'workspace-write',
  environment,
  signal: new AbortController().signal,
});
const appServers = () =>
  findProcessesWithMarker(marker).filter((found) => / app-server\b/.test(found.command));
const runEndOf = (events: AgentEvent[]) => events.find((event) => event.type === 'run-end');

describe('the codex app-server pool', () => {
  it('keeps one app-server for the runs of an environment, and stops it when idle', async () => {
    const provider = createCodexProvider({}, codexDefinition, {
      warm: { maxProcesses: 2, idleSeconds: 1 },
    });
    try {
      expect(provider.warmProcesses()).toBe(0);
      const first = await collectProviderRun(provider, request('Say one'));
      expect(runEndOf(first)).toMatchObject({ status: 'completed', text: 'Echo: Say one' });
      const [kept] = appServers();
      expect(kept).toBeDefined();
      expect(provider.warmProcesses()).toBe(1);
      const second = await collectProviderRun(provider, request('Say two'));
      expect(runEndOf(second)).toMatchObject({ status: 'completed', text: 'Echo: Say two' });
      expect(appServers()).toEqual([kept]);
      await expect.poll(appServers, { timeout: 10_000, interval: 100 }).toEqual([]);
      expect(provider.warmProcesses()).toBe(0);
    } finally {
      await provider.dispose();
    }
  });

  it('keeps the app-server after a refused resume and an upstream error, retires it on a cancel', async () => {
    const provider = createCodexProvider({}, codexDefinition, {
      warm: { maxProcesses: 2, idleSeconds: 300 },
    });
    try {
      await collectProviderRun(provider, request('Say one'));
      const [kept] = appServers();
      const unknownThread = '00000000-0000-4000-8000-000000000000';
      const refused = await collectProviderRun(provider, {
        ...request('hello'),
        resumeNativeSessionId: unknownThread,
      });
      expect(runEndOf(refused)?.error?.message).toContain(
        `Codex could not resume thread ${unknownThread}`,
      );
      const upstream = await collectProviderRun(provider, request('Fail [[mock:error=500]]'));
      expect(runEndOf(upstream)).toMatchObject({ status: 'failed' });
      expect(appServers()).toEqual([kept]);
      expect(provider.warmProcesses()).toBe(1);

      const controller = new AbortController();
      const cancelled: AgentEvent[] = [];
      const stalled = { ...request('Hang on [[mock:stall]]'), signal: controller.signal };
      for await (const event of provider.run(stalled)) {
        cancelled.push(event);
        if (event.type === 'text-delta' && !controller.signal.aborted) controller.abort();
      }
      expect(runEndOf(cancelled)).toMatchObject({ status: 'cancelled' });
      await expect.poll(appServers, { timeout: 10_000, interval: 50 }).toEqual([]);
      expect(provider.warmProcesses()).toBe(0);
    } finally {
      await provider.dispose();
    }
  });

  it('makes room for another environment by stopping an idle one past maxProcesses', async () => {
    const provider = createCodexProvider({}, codexDefinition, {
      warm: { maxProcesses: 1, idleSeconds: 300 },
    });
    try {
      await collectProviderRun(provider, request('Say one', 'one'));
      const [first] = appServers();
      expect(first).toBeDefined();
      const other = await collectProviderRun(provider, request('Say two', 'two'));
      expect(runEndOf(other)).toMatchObject({ status: 'completed', text: 'Echo: Say two' });
      await expect
        .poll(() => appServers().map((found) => found.pid), { timeout: 5000, interval: 50 })
        .not.toContain(first!.pid);
      expect(appServers()).toHaveLength(1);
      expect(provider.warmProcesses()).toBe(1);
    } finally {
      await provider.dispose();
    }
    expect(appServers()).toEqual([]);
    expect(provider.warmProcesses()).toBe(0);
    await expect(collectProviderRun(provider, request('Too late'))).rejects.toMatchObject({
      code: 'shutting_down',
    });
  });

  it('hands a run the spare thread the previous run left, and starts its own when they differ', async () => {
    const provider = createCodexProvider({}, codexDefinition, {
      warm: { maxProcesses: 1, idleSeconds: 300 },
    });
    const cwd = join(folder, 'one');
    const spec = {
      binary: findCodexBinary({ environment: process.env })!,
      args: buildCodexArgs(),
      cwd,
      env: buildCodexEnvironment(environment, undefined, cwd),
    };
    /** A run's thread/start on the warm server: the thread it got. */
    const startThread = async (permissions: Permissions) => {
      const lease = await provider.servers.acquire(spec);
      try {
        await lease.ready;
        const { params } = buildCodexThreadRequest({ cwd, permissions });
        const answer = await lease.startThread('thread/start', params, { timeoutMs: 10_000 });
        return codexThreadResultSchema.parse(answer).thread.id;
      } finally {
        await lease.release();
      }
    };
    /** The threads the warm server has loaded, asked by a lease that starts none. */
    const loadedThreads = async () => {
      const lease = await provider.servers.acquire(spec);
      try {
        const answer = await lease.channel.request('thread/loaded/list', {});
        return (answer as { data: string[] }).data;
      } finally {
        await lease.release();
      }
    };
    try {
      const first = await startThread('workspace-write');
      // The spare, started when the first run left.
      await expect
        .poll(async () => (await loadedThreads()).filter((id) => id !== first), { timeout: 5000 })
        .toHaveLength(1);
      const loadedBefore = await loadedThreads();
      const second = await startThread('workspace-write');
      expect(second).not.toBe(first);
      expect(loadedBefore).toContain(second);
      const loadedAfter = await loadedThreads();
      const readOnly = await startThread('read-only');
      expect(loadedAfter).not.toContain(readOnly);
    } finally {
      await provider.dispose();
    }
  });

  it('starts an app-server per run and keeps none with maxProcesses 0', async () => {
    const provider = createCodexProvider({}, codexDefinition, {
      warm: { maxProcesses: 0, idleSeconds: 300 },
    });
    const events = await collectProviderRun(provider, request('Say hello'));
    expect(runEndOf(events)).toMatchObject({ status: 'completed' });
    expect(appServers()).toEqual([]);
    expect(provider.warmProcesses()).toBe(0);
  });
});
