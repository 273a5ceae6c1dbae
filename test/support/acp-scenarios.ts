/**
 * The scenarios every real ACP agent runs through the built stdio server (one e2e file per
 * agent): a plain turn, a permission request answered by policy both ways, a write outside the
 * cwd refused, cancel during a stall with no process left, resume in a new server process, and
 * a model error. `acp:<name>-yes` is the same agent with `approvals: "accept"`.
 */
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import { assertProviderEventContract } from './provider-contract.js';
import type { DialectName } from './scripted-model-server/index.js';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  repositoryRoot,
  startStalledRun,
  type AgentTestEnvironment,
  type StdioServerHandle,
} from './stdio-server-harness.js';

export interface AcpAgentScenarioSpec {
  /** The preset name: the provider is `acp:<name>`. */
  name: string;
  dialect: DialectName;
  /** Extra settings of both entries (`<name>` and `<name>-yes`). */
  settings?: Record<string, unknown>;
  /** Extra server environment (e.g. the agent's own model settings). */
  environment?: (environment: AgentTestEnvironment) => Record<string, string>;
  /**
   * The directive that makes the agent ask permission for a command under read-only: `tool`
   * (the agent asks before running anything), or `escalate` (codex runs commands in its
   * sandbox and asks only when the model requests to leave it).
   */
  askingDirective: 'tool' | 'escalate';
  /** The agent reports token usage on the prompt result. */
  reportsUsage: boolean;
  /** How the model error surfaces: the run fails, or the agent answers with the error as text. */
  modelError: {
    status: number;
    expect: (result: Awaited<ReturnType<typeof callToolWithProgress>>) => void;
  };
  /**
   * How a write outside the cwd is stopped: our fs/write_text_file refuses it (agents that write
   * through the client), or the agent asks and the default policy declines (agents that write
   * themselves: a link inside the cwd would fool their own check, not ours), or the agent
   * refuses by itself (Gemini resolves the link and never asks us).
   */
  outsideWrite: 'fs-refused' | 'permission-declined' | 'agent-refuses';
  /**
   * Gemini CLI 0.61 drops a session whose first turn was cancelled before the model answered
   * (its next start deletes the empty chat): resuming it fails with a clear error instead.
   */
  keepsSessionCancelledInFirstTurn: boolean;
}

const permissionEvents = (events: AgentEvent[]) =>
  events.filter(
    (event): event is Extract<AgentEvent, { type: 'permission-request' }> =>
      event.type === 'permission-request',
  );

export function describeAcpAgent(spec: AcpAgentScenarioSpec): void {
  const provider = `acp:${spec.name}`;
  let environment: AgentTestEnvironment;
  let server: StdioServerHandle;
  let configFile: string;

  const start = () =>
    environment.startServer({
      args: ['--config', configFile],
      environment: spec.environment?.(environment) ?? {},
    });

  beforeAll(async () => {
    environment = await createAgentTestEnvironment();
    configFile = join(environment.stateDir, '..', 'acp-config.json');
    const acpAgents = {
      [spec.name]: { ...spec.settings },
      [`${spec.name}-yes`]: { preset: spec.name, approvals: 'accept', ...spec.settings },
    };
    writeFileSync(configFile, JSON.stringify({ acpAgents }));
    server = await start();
  });
  afterAll(async () => {
    await environment?.close();
  });

  const run = (args: Record<string, unknown>, target = server) =>
    callToolWithProgress(target, 'run_agent', { provider, ...args });

  describe(`${provider} through the stdio server`, () => {
    it('answers a plain prompt with the model text', async () => {
      const { isError, structured, progress } = await run({ prompt: 'Say hello' });
      expect(isError).toBeFalsy();
      expect(structured).toMatchObject({ status: 'completed', text: 'Echo: Say hello', provider });
      expect(structured.session_id).toMatch(/^sa_/);
      if (spec.reportsUsage) expect(structured.usage!.output_tokens).toBeGreaterThan(0);
      assertProviderEventContract(progress.events());
    });

    it('declines a permission request by the default policy and reports it', async () => {
      const { structured, progress } = await run({
        prompt: `Make it [[mock:${spec.askingDirective}=mkdir -p declined-dir]]`,
        permissions: 'read-only',
      });
      expect(structured.status).toBe('completed');
      const events = progress.events();
      assertProviderEventContract(events);
      expect(permissionEvents(events).map((event) => event.decision)).toContain('declined');
      expect(existsSync(join(environment.root, 'declined-dir'))).toBe(false);
    });

    it('accepts a permission request under approvals "accept" and the command runs', async () => {
      const { structured, progress } = await run({
        provider: `${provider}-yes`,
        prompt: `Make it [[mock:${spec.askingDirective}=mkdir -p accepted-dir]]`,
        permissions: 'read-only',
      });
      expect(structured.status).toBe('completed');
      expect(permissionEvents(progress.events()).map((event) => event.decision)).toContain(
        'accepted',
      );
      expect(existsSync(join(environment.root, 'accepted-dir'))).toBe(true);
    });

    it('keeps a file write outside the cwd from happening', async () => {
      const outside = join(outsideParent(), `.acp-outside-${spec.name}-${process.pid}`);
      mkdirSync(outside, { recursive: true });
      let target = join(outside, 'outside.txt');
      if (spec.outsideWrite === 'fs-refused') {
        // A link inside the cwd to a folder outside it: the agent sees an inside path and
        // writes through fs/write_text_file, which resolves the link and refuses.
        const link = join(environment.root, `escape-${spec.name}`);
        if (!existsSync(link)) symlinkSync(outside, link);
        target = `escape-${spec.name}/outside.txt`;
      }
      const { structured, progress } = await run({
        provider: spec.outsideWrite === 'fs-refused' ? `${provider}-yes` : provider,
        prompt: `Write it [[mock:patch=${target}]]`,
        permissions: 'workspace-write',
      });
      expect(structured.status).toBe('completed');
      const wasWritten = existsSync(join(outside, 'outside.txt'));
      rmSync(outside, { recursive: true, force: true });
      expect(wasWritten).toBe(false);
      const events = progress.events();
      assertProviderEventContract(events);
      if (spec.outsideWrite === 'fs-refused') {
        const warnings = JSON.stringify(events.filter((event) => event.type === 'warning'));
        expect(warnings).toMatch(
          /Refused fs\/write_text_file .*outside the run's working directory/,
        );
      } else if (spec.outsideWrite === 'permission-declined') {
        expect(permissionEvents(events).map((event) => event.decision)).toContain('declined');
      }
    });

    it('cancels a stalled turn, leaves no agent process, and the session resumes', async () => {
      const { progress, cancel } = await startStalledRun(
        environment,
        server,
        { provider, prompt: 'Take your time [[mock:stall]]' },
        spec.dialect,
      );
      expect(await cancel('user pressed stop')).toBe('rejected');
      await environment.model.waitForAllStreamsClosed(10_000);
      await expect.poll(() => environment.leftoverProcesses(), { timeout: 10_000 }).toEqual([]);
      const start = progress.events().find((event) => event.type === 'run-start');
      const next = await callToolWithProgress(server, 'resume_agent', {
        session_id: start!.sessionId,
        prompt: 'Go on [[mock:recall]]',
      });
      if (spec.keepsSessionCancelledInFirstTurn) {
        expect(next.structured.status).toBe('completed');
        expect(next.structured.text).toContain('Take your time');
      } else {
        expect(next.structured).toMatchObject({ status: 'failed', error: { code: 'agent_error' } });
        expect(next.structured.error!.message).toContain(start!.nativeSessionId);
      }
    });

    it('cancels during a long command and no process of the run survives', async () => {
      const controller = new AbortController();
      const call = server.client
        .callTool(
          {
            name: 'run_agent',
            arguments: {
              provider,
              prompt: 'Wait [[mock:tool=tail -f /dev/null]]',
              permissions: 'full-access',
            },
          },
          undefined,
          { signal: controller.signal, timeout: 90_000 },
        )
        .then(
          () => 'answered',
          () => 'rejected',
        );
      const isCommandRunning = () =>
        environment
          .leftoverProcesses()
          .some((process) => process.command.startsWith('tail -f /dev/null'));
      await expect.poll(isCommandRunning, { timeout: 60_000, interval: 200 }).toBe(true);
      controller.abort('user pressed stop');
      expect(await call).toBe('rejected');
      await expect.poll(() => environment.leftoverProcesses(), { timeout: 15_000 }).toEqual([]);
    });

    it('resumes a session in a new server process with the earlier history', async () => {
      const first = await run({
        prompt: 'Remember the word papaya [[mock:tool]]',
        permissions: 'full-access',
      });
      expect(first.structured.status).toBe('completed');
      await server.close();
      server = await start();
      const second = await callToolWithProgress(server, 'resume_agent', {
        session_id: first.structured.session_id,
        prompt: 'What did I ask? [[mock:recall]]',
      });
      expect(second.structured).toMatchObject({
        status: 'completed',
        session_id: first.structured.session_id,
      });
      expect(second.structured.text).toContain('Remember the word papaya');
      // The replayed history is not this turn's: one answer, no earlier tool call.
      expect(second.structured.tool_calls).toBe(0);
      expect(second.progress.events().filter((event) => event.type === 'run-start')).toHaveLength(
        1,
      );
    });

    it('reports a model error', async () => {
      const result = await run({ prompt: `Fail [[mock:error=${spec.modelError.status}]]` });
      spec.modelError.expect(result);
      await expect.poll(() => environment.leftoverProcesses(), { timeout: 10_000 }).toEqual([]);
    });

    it(`lists ${provider} with its version and capabilities from initialize`, async () => {
      const result = await server.client.callTool({ name: 'list_providers', arguments: {} });
      const structured = result.structuredContent as { providers: Array<Record<string, unknown>> };
      const listed = structured.providers.find((entry) => entry.id === provider);
      expect(listed).toMatchObject({
        available: true,
        capabilities: { resume: true, cancel: true },
      });
      expect(listed?.version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('names the configured ACP agents for an unknown acp: provider', async () => {
      const { isError, result } = await run({ provider: 'acp:no-such-agent', prompt: 'hi' }).catch(
        (error: unknown) => ({ isError: true, result: { error } }),
      );
      expect(isError).toBe(true);
      expect(JSON.stringify(result)).toContain(`${provider}-yes`);
    });
  });
}

/**
 * A folder outside every run's cwd and outside /tmp and $TMPDIR, which codex's workspace-write
 * sandbox lets it write (a checkout may itself lie under /tmp, as CI's clone can).
 */
function outsideParent(): string {
  const temporary = [tmpdir(), '/tmp'].map((path) => path.replace(/\/+$/, '') + sep);
  const candidates = [join(repositoryRoot, 'node_modules'), homedir()];
  const chosen = candidates.find(
    (path) => !temporary.some((prefix) => (path + sep).startsWith(prefix)),
  );
  if (chosen === undefined) throw new Error(`No folder outside ${temporary.join(' and ')}`);
  return chosen;
}
