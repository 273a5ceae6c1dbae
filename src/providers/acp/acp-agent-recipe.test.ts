import { describe, expect, it } from 'vitest';
import { buildAcpEnvironment, resolveAcpAgents } from './acp-agent-recipe.js';

const noPath = { PATH: '/nonexistent' };

describe('resolveAcpAgents', () => {
  it('offers the presets whose command is found (here: the devDependencies beside us)', () => {
    const names = resolveAcpAgents({}, noPath).map((recipe) => recipe.name);
    expect(names).toEqual(['gemini', 'opencode', 'claude', 'codex']);
  });

  it('lets an entry named after a preset change its settings and keep its quirks', () => {
    const gemini = resolveAcpAgents({ gemini: { approvals: 'accept' } }, noPath).find(
      (recipe) => recipe.name === 'gemini',
    )!;
    expect(gemini).toMatchObject({
      approvals: 'accept',
      readTextFile: false,
      resumeGuard: 'gemini-chat-minute',
      args: ['--acp'],
    });
    expect(
      resolveAcpAgents({ gemini: {} }, noPath).filter((recipe) => recipe.name === 'gemini'),
    ).toHaveLength(1);
  });

  it('makes an entry with a command a new agent, with a preset only when it names one', () => {
    const recipes = resolveAcpAgents(
      {
        qwen: { command: 'qwen', args: ['--acp'] },
        'claude-fast': { preset: 'claude', modes: { 'full-access': 'auto' } },
      },
      noPath,
    );
    const qwen = recipes.find((recipe) => recipe.name === 'qwen')!;
    expect(qwen).toMatchObject({
      title: 'qwen (ACP)',
      args: ['--acp'],
      approvals: 'decline',
      modes: {},
      readTextFile: true,
    });
    expect(qwen.locate(noPath, [])).toBeUndefined();
    const fast = recipes.find((recipe) => recipe.name === 'claude-fast')!;
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
    const [claude] = resolveAcpAgents({ claude: { env: { EXTRA: '1' } } }, noPath).filter(
      (recipe) => recipe.name === 'claude',
    );
    const base = { PATH: '/bin', CLAUDECODE: '1', IS_SANDBOX: 'yes' };
    expect(buildAcpEnvironment(claude!, base, 'read-only')).toEqual({ PATH: '/bin', EXTRA: '1' });
    expect(buildAcpEnvironment(claude!, base, 'full-access')).toEqual({
      PATH: '/bin',
      IS_SANDBOX: '1',
      EXTRA: '1',
    });
  });

  it('gives opencode its permission rules through OPENCODE_PERMISSION', () => {
    const opencode = resolveAcpAgents({}, noPath).find((recipe) => recipe.name === 'opencode')!;
    const rules = JSON.parse(
      buildAcpEnvironment(opencode, {}, 'read-only').OPENCODE_PERMISSION!,
    ) as Record<string, string>;
    expect(rules).toMatchObject({ edit: 'ask', bash: 'ask', task: 'deny', question: 'deny' });
  });
});
