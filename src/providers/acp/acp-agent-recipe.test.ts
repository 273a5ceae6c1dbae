import { describe, expect, it } from 'vitest';
import { createAcpDefinitions } from './acp-definition.js';
import { buildAcpEnvironment, resolveAcpAgent } from './acp-agent-recipe.js';
import { acpPresetNames } from './acp-settings.js';

const noPath = { PATH: '/nonexistent' };

describe('createAcpDefinitions', () => {
  it('defines the four presets, then the configured entries, an entry named after a preset replacing it', () => {
    const ids = createAcpDefinitions({ qwen: { command: 'qwen' }, gemini: {} }).map(
      (definition) => definition.id,
    );
    expect(ids).toEqual(['acp:opencode', 'acp:claude', 'acp:codex', 'acp:qwen', 'acp:gemini']);
  });

  it('names each agent and says whether it maps permissions before any code loads', () => {
    const [, , , , qwen, fast] = createAcpDefinitions({
      qwen: { command: 'qwen' },
      fast: { command: 'fast', modes: { 'read-only': 'plan' }, title: 'Fast' },
    });
    expect(qwen).toMatchObject({ name: 'qwen (ACP)', kind: 'acp' });
    expect(qwen!.capabilities.permissions).toBe(false);
    expect(fast).toMatchObject({ name: 'Fast', capabilities: { permissions: true } });
  });
});

describe('resolveAcpAgent', () => {
  it("finds every preset's command here (the devDependencies beside us), when asked", () => {
    const found = acpPresetNames.filter(
      (name) => resolveAcpAgent(name, {}).locate(noPath, []) !== undefined,
    );
    expect(found).toEqual(['gemini', 'opencode', 'claude', 'codex']);
  });

  it('lets an entry named after a preset change its settings and keep its quirks', () => {
    const gemini = resolveAcpAgent('gemini', { approvals: 'accept' });
    expect(gemini).toMatchObject({
      approvals: 'accept',
      readTextFile: false,
      resumeGuard: 'gemini-chat-minute',
      args: ['--acp'],
    });
  });

  it('makes an entry with a command a new agent, with a preset only when it names one', () => {
    const qwen = resolveAcpAgent('qwen', { command: 'qwen', args: ['--acp'] });
    expect(qwen).toMatchObject({
      title: 'qwen (ACP)',
      args: ['--acp'],
      approvals: 'decline',
      modes: {},
      readTextFile: true,
    });
    expect(qwen.locate(noPath, [])).toBeUndefined();
    const fast = resolveAcpAgent('claude-fast', {
      preset: 'claude',
      modes: { 'full-access': 'auto' },
    });
    expect(fast.modes).toEqual({
      'read-only': 'default',
      'workspace-write': 'acceptEdits',
      'full-access': 'auto',
    });
    expect(fast.locate(noPath, [])).toBeDefined();
  });
});

describe('buildAcpEnvironment', () => {
  it('removes the variables of an enclosing session, applies the permission variables, then the configured ones', () => {
    const claude = resolveAcpAgent('claude', { env: { EXTRA: '1' } });
    const base = { PATH: '/bin', CLAUDECODE: '1', IS_SANDBOX: 'yes' };
    expect(buildAcpEnvironment(claude, base, 'read-only')).toEqual({ PATH: '/bin', EXTRA: '1' });
    expect(buildAcpEnvironment(claude, base, 'full-access')).toEqual({
      PATH: '/bin',
      IS_SANDBOX: '1',
      EXTRA: '1',
    });
  });

  it('gives opencode its permission rules through OPENCODE_PERMISSION', () => {
    const opencode = resolveAcpAgent('opencode', {});
    const rules = JSON.parse(
      buildAcpEnvironment(opencode, {}, 'read-only').OPENCODE_PERMISSION!,
    ) as Record<string, string>;
    expect(rules).toMatchObject({ edit: 'ask', bash: 'ask', task: 'deny', question: 'deny' });
  });
});
