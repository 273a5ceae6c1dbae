/**
 * The ACP provider on a fake agent (test/fixtures/bin/fake-acp-agent.mjs), for the faults no
 * real agent can be made to produce: malformed JSON-RPC, a crash mid-prompt, a request for a
 * method we do not offer, file access outside the cwd.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertProviderEventContract } from '../../../test/support/provider-contract.js';
import type { AgentEvent, Permissions } from '../../events/index.js';
import { resolveAcpAgent } from './acp-agent-recipe.js';
import { createAcpProvider } from './acp-provider.js';

const fakeAgent = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/bin/fake-acp-agent.mjs',
);
const cwd = mkdtempSync(join(tmpdir(), 'acp-provider-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const recipeOf = (name: string, command: string) => resolveAcpAgent(name, { command });
const provider = createAcpProvider(recipeOf('fake', fakeAgent));

async function run(prompt: string, permissions: Permissions = 'workspace-write') {
  const events: AgentEvent[] = [];
  for await (const event of provider.run({
    prompt,
    cwd,
    permissions,
    environment: { PATH: process.env.PATH },
    signal: new AbortController().signal,
  })) {
    events.push(event);
  }
  assertProviderEventContract(events);
  const end = events.at(-1) as Extract<AgentEvent, { type: 'run-end' }>;
  const warnings = events.flatMap((event) => (event.type === 'warning' ? [event.message] : []));
  return { events, end, warnings };
}

describe('the ACP provider on a fake agent', () => {
  it('answers a plain prompt with the session the agent named', async () => {
    const { events, end } = await run('hello');
    expect(end).toMatchObject({
      status: 'completed',
      text: 'Echo: hello',
      nativeSessionId: 'fake-session',
    });
    expect(events[0]).toMatchObject({
      type: 'run-start',
      provider: 'acp:fake',
      nativeSessionId: 'fake-session',
    });
  });

  it('reports lines that are not JSON-RPC as warnings and still completes', async () => {
    const { end, warnings } = await run('malformed');
    expect(end.status).toBe('completed');
    expect(warnings).toEqual([
      'The agent printed a line that is not JSON: this is not JSON',
      'The agent sent a message that is not JSON-RPC: {"hello":"not json-rpc"}',
    ]);
  });

  it('fails as agent_crashed with the stderr tail when the agent dies mid-prompt', async () => {
    const { end, events } = await run('crash');
    expect(end).toMatchObject({ status: 'failed', error: { code: 'agent_crashed' } });
    expect(end.error!.message).toMatch(/exit code 3.*simulated crash/s);
    expect(events.some((event) => event.type === 'text-delta')).toBe(true);
  });

  it('answers a method we do not offer with an error the agent sees, and warns', async () => {
    const { end, warnings } = await run('terminal');
    expect(end.text).toContain('Method not found');
    expect(warnings[0]).toMatch(/asked for terminal\/create, which subagent-mcp does not offer/);
  });

  it('writes inside the cwd through fs/write_text_file and reports the file', async () => {
    const path = join(cwd, 'inside', 'file.txt');
    const { events } = await run(`write ${path}`);
    expect(readFileSync(path, 'utf8')).toBe('from the fake agent\n');
    expect(events).toContainEqual({ type: 'file-change', path, kind: 'unknown' });
  });

  it('refuses fs/write_text_file outside the cwd, and any write when read-only', async () => {
    const outside = join(tmpdir(), `acp-outside-${process.pid}.txt`);
    const outsideRun = await run(`write ${outside}`);
    expect(existsSync(outside)).toBe(false);
    expect(outsideRun.end.text).toContain("outside the run's working directory");
    expect(outsideRun.warnings[0]).toMatch(/^Refused fs\/write_text_file .*outside/);

    const readOnly = await run(`write ${join(cwd, 'read-only.txt')}`, 'read-only');
    expect(existsSync(join(cwd, 'read-only.txt'))).toBe(false);
    expect(readOnly.warnings[0]).toMatch(/the run is read-only/);
  });

  it('reads inside the cwd and refuses reads outside it', async () => {
    const inside = await run(`read ${join(cwd, 'inside', 'file.txt')}`);
    expect(inside.end.text).toContain('from the fake agent');
    const outside = await run('read /etc/hostname');
    expect(outside.end.text).toContain("outside the run's working directory");
  });

  it('fails with provider_unavailable naming the command when it is missing', async () => {
    const events = createAcpProvider(recipeOf('gone', '/nonexistent/agent')).run({
      prompt: 'hi',
      cwd,
      permissions: 'read-only',
      environment: {},
      signal: new AbortController().signal,
    });
    await expect(events[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
  });
});
