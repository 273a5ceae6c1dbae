import { describe, expect, it } from 'vitest';
import { AgentError } from '../../errors/index.js';
import {
  buildOpencodePermissionRules,
  buildOpencodePromptBody,
  buildOpencodeServeArgs,
  buildOpencodeSessionBody,
  endsWithRules,
  parseOpencodeModel,
  type OpencodePermissionRule,
} from './opencode-args.js';

const actionOf = (rules: OpencodePermissionRule[], permission: string, pattern = '*') =>
  rules.findLast((rule) => rule.permission === permission && rule.pattern === pattern)?.action;

describe('buildOpencodeServeArgs', () => {
  it('serves on an ephemeral loopback port, extra arguments last', () => {
    expect(buildOpencodeServeArgs(['--log-level', 'DEBUG'])).toEqual([
      'serve',
      '--hostname',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'DEBUG',
    ]);
  });
});

describe('parseOpencodeModel', () => {
  it('splits provider/model at the first slash', () => {
    expect(parseOpencodeModel('anthropic/claude-sonnet-4-5')).toEqual({
      providerID: 'anthropic',
      modelID: 'claude-sonnet-4-5',
    });
    expect(parseOpencodeModel('openrouter/anthropic/claude-sonnet-4.5')).toEqual({
      providerID: 'openrouter',
      modelID: 'anthropic/claude-sonnet-4.5',
    });
  });

  it.each(['gpt-5', '/model', 'provider/'])('refuses %s as invalid input', (model) => {
    expect(() => parseOpencodeModel(model)).toThrow(AgentError);
    try {
      parseOpencodeModel(model);
    } catch (error) {
      expect(AgentError.is(error, 'invalid_input')).toBe(true);
    }
  });
});

describe('buildOpencodePermissionRules', () => {
  const opencodeDirectories = ['/data/opencode/tool-output/*', '/tmp/opencode/*'];

  it('read-only: edits and commands are asked (so the approval policy decides), subagents denied', () => {
    const rules = buildOpencodePermissionRules('read-only', opencodeDirectories);
    expect(actionOf(rules, 'edit')).toBe('ask');
    expect(actionOf(rules, 'bash')).toBe('ask');
    expect(actionOf(rules, 'task')).toBe('deny');
    expect(actionOf(rules, 'external_directory')).toBe('ask');
    expect(actionOf(rules, 'question')).toBe('deny');
  });

  it("workspace-write: edits and commands allowed; outside the directory asked, except opencode's own", () => {
    const rules = buildOpencodePermissionRules('workspace-write', opencodeDirectories);
    expect(actionOf(rules, 'edit')).toBe('allow');
    expect(actionOf(rules, 'bash')).toBe('allow');
    expect(actionOf(rules, 'external_directory')).toBe('ask');
    expect(actionOf(rules, 'external_directory', '/tmp/opencode/*')).toBe('allow');
    expect(actionOf(rules, 'read', '*.env')).toBe('ask');
    expect(actionOf(rules, 'doom_loop')).toBe('ask');
    expect(actionOf(rules, 'question')).toBe('deny');
  });

  it('full-access: everything allowed but questions', () => {
    const rules = buildOpencodePermissionRules('full-access');
    for (const permission of ['edit', 'bash', 'task', 'external_directory', 'read', 'doom_loop']) {
      expect(actionOf(rules, permission)).toBe('allow');
    }
    expect(actionOf(rules, 'question')).toBe('deny');
  });

  it('every ruleset sets the same permissions, so the latest one appended decides alone', () => {
    const permissionsOf = (rules: OpencodePermissionRule[]) =>
      new Set(rules.filter((rule) => rule.pattern === '*').map((rule) => rule.permission));
    const readOnly = permissionsOf(buildOpencodePermissionRules('read-only'));
    expect(permissionsOf(buildOpencodePermissionRules('workspace-write'))).toEqual(readOnly);
    expect(permissionsOf(buildOpencodePermissionRules('full-access'))).toEqual(readOnly);
  });
});

describe('endsWithRules', () => {
  it('is true only when the session rules end with these rules', () => {
    const rules = buildOpencodePermissionRules('read-only');
    const other = buildOpencodePermissionRules('full-access');
    expect(endsWithRules([...other, ...rules], rules)).toBe(true);
    expect(endsWithRules([...rules, ...other], rules)).toBe(false);
    expect(endsWithRules([], rules)).toBe(false);
  });
});

describe('buildOpencodeSessionBody', () => {
  it("titles the session with the prompt's first line (no title request to the model)", () => {
    const body = buildOpencodeSessionBody({ prompt: '  Fix the tests\nin src/', rules: [] });
    expect(body).toEqual({ title: 'subagent: Fix the tests', permission: [] });
    const long = buildOpencodeSessionBody({ prompt: 'x'.repeat(200), rules: [] });
    expect(long.title).toHaveLength('subagent: '.length + 80);
  });
});

describe('buildOpencodePromptBody', () => {
  it('sends the prompt as a text part, the model as providerID/modelID, instructions as system', () => {
    expect(
      buildOpencodePromptBody({
        prompt: 'Say hello',
        model: 'mock/mock-model',
        instructions: 'Be brief.',
      }),
    ).toEqual({
      parts: [{ type: 'text', text: 'Say hello' }],
      model: { providerID: 'mock', modelID: 'mock-model' },
      system: 'Be brief.',
    });
    expect(buildOpencodePromptBody({ prompt: 'x' })).toEqual({
      parts: [{ type: 'text', text: 'x' }],
    });
  });
});
