import type { Permissions } from '../../events/index.js';
import { AgentError, quoteInput } from '../../errors/index.js';

/** One rule of opencode's permission rulesets; the last rule that matches decides. */
export interface OpencodePermissionRule {
  /** A permission (tool family) name or glob: `edit`, `bash`, `external_directory`, `*`… */
  permission: string;
  /** What the rule applies to (a path or command glob). */
  pattern: string;
  action: 'allow' | 'ask' | 'deny';
}

/** `opencode serve` on an ephemeral loopback port, then the configured extra arguments. */
export function buildOpencodeServeArgs(extraArgs: readonly string[] = []): string[] {
  return ['serve', '--hostname', '127.0.0.1', '--port', '0', ...extraArgs];
}

/**
 * `provider/model` → the `{ providerID, modelID }` of `prompt_async` (the model id may itself
 * contain slashes, e.g. `openrouter/anthropic/claude-sonnet-4.5`). Throws
 * `AgentError('invalid_input')` for a name without a provider.
 */
export function parseOpencodeModel(model: string): { providerID: string; modelID: string } {
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) {
    throw new AgentError(
      'invalid_input',
      `opencode models are named provider/model (e.g. anthropic/claude-sonnet-4-5); got ${quoteInput(model)}.`,
    );
  }
  return { providerID: model.slice(0, slash), modelID: model.slice(slash + 1) };
}

const envFileRules: OpencodePermissionRule[] = [
  { permission: 'read', pattern: '*', action: 'allow' },
  { permission: 'read', pattern: '*.env', action: 'ask' },
  { permission: 'read', pattern: '*.env.*', action: 'ask' },
  { permission: 'read', pattern: '*.env.example', action: 'allow' },
];

/**
 * The session's permission rules for `permissions`. Session rules come after the agent's and
 * the configuration's, and the last match wins, so every ruleset sets the same permissions
 * (edit, bash, task, external_directory, read, doom_loop, question) and a later one replaces
 * an earlier one completely. `allowedDirectories` are the external directories opencode itself
 * allows (its tool-output and scratch directories), kept allowed after an `external_directory`
 * rule. Nobody answers questions in a subagent run, so the question tool is never offered.
 * Asks are answered by the approvals setting.
 */
export function buildOpencodePermissionRules(
  permissions: Permissions,
  allowedDirectories: readonly string[] = [],
): OpencodePermissionRule[] {
  const rule = (permission: string, action: OpencodePermissionRule['action'], pattern = '*') => ({
    permission,
    pattern,
    action,
  });
  const noQuestions = rule('question', 'deny');
  if (permissions === 'full-access') {
    const everything = ['edit', 'bash', 'task', 'external_directory', 'read', 'doom_loop'];
    return [...everything.map((permission) => rule(permission, 'allow')), noQuestions];
  }
  const isReadOnly = permissions === 'read-only';
  return [
    rule('edit', isReadOnly ? 'ask' : 'allow'),
    rule('bash', isReadOnly ? 'ask' : 'allow'),
    // A subagent of opencode's own could edit on the run's behalf.
    rule('task', isReadOnly ? 'deny' : 'allow'),
    rule('external_directory', 'ask'),
    ...allowedDirectories.map((pattern) => rule('external_directory', 'allow', pattern)),
    ...envFileRules,
    rule('doom_loop', 'ask'),
    noQuestions,
  ];
}

/** Whether `current` (a session's rules) already ends with `rules`, so nothing needs sending. */
export function endsWithRules(
  current: readonly { permission: string; pattern: string; action: string }[],
  rules: readonly OpencodePermissionRule[],
): boolean {
  if (current.length < rules.length) return false;
  const tail = current.slice(current.length - rules.length);
  return tail.every(
    (rule, index) =>
      rule.permission === rules[index]?.permission &&
      rule.pattern === rules[index]?.pattern &&
      rule.action === rules[index]?.action,
  );
}

const titleLimit = 80;

/**
 * The body of `POST /session`. A title is always given: without one opencode asks the model
 * for a title, an extra request per new session.
 */
export function buildOpencodeSessionBody(options: {
  prompt: string;
  rules: readonly OpencodePermissionRule[];
}): { title: string; permission: OpencodePermissionRule[] } {
  const firstLine = options.prompt.trim().split('\n')[0]?.trim() ?? '';
  const title =
    firstLine.length > titleLimit ? `${firstLine.slice(0, titleLimit - 1)}…` : firstLine;
  return { title: `subagent: ${title || 'task'}`, permission: [...options.rules] };
}

/** The body of `POST /session/:id/prompt_async`. */
export interface OpencodePromptBody {
  parts: { type: 'text'; text: string }[];
  model?: { providerID: string; modelID: string };
  system?: string;
}

/**
 * The prompt body of a turn: the prompt, the model, the instructions. Throws
 * `AgentError('invalid_input')` for a model name without a provider.
 */
export function buildOpencodePromptBody(options: {
  prompt: string;
  model?: string;
  instructions?: string;
}): OpencodePromptBody {
  return {
    parts: [{ type: 'text', text: options.prompt }],
    ...(options.model === undefined ? {} : { model: parseOpencodeModel(options.model) }),
    ...(options.instructions ? { system: options.instructions } : {}),
  };
}
