import type { Permissions } from '../../events/index.js';

/** `thread/start` and `turn/start` values for one `permissions` level. */
export interface CodexPolicy {
  sandbox: 'read-only' | 'workspace-write' | 'danger-full-access';
  approvalPolicy: 'on-request' | 'never';
}

/**
 * Notifications we never read: opting out keeps them off the pipe (command output and diffs
 * can be large; the item/completed that follows carries the whole output).
 */
export const codexIgnoredNotifications = [
  'account/rateLimits/updated',
  'item/commandExecution/outputDelta',
  'item/fileChange/outputDelta',
  'turn/diff/updated',
  'remoteControl/status/changed',
] as const;

/** argv of the app-server: the configured extra arguments (e.g. `-c key=value`) go after it. */
export function buildCodexArgs(extraArgs: readonly string[] = []): string[] {
  return ['app-server', ...extraArgs];
}

/**
 * The sandbox and approval policy for a `permissions` level. Below full access Codex asks
 * (`on-request`) before it runs anything outside the sandbox, and the provider answers by the
 * configured approval policy; full access has no sandbox and nothing to ask.
 */
export function codexPolicyFor(permissions: Permissions): CodexPolicy {
  switch (permissions) {
    case 'read-only':
      return { sandbox: 'read-only', approvalPolicy: 'on-request' };
    case 'workspace-write':
      return { sandbox: 'workspace-write', approvalPolicy: 'on-request' };
    case 'full-access':
      return { sandbox: 'danger-full-access', approvalPolicy: 'never' };
  }
}

export function buildCodexInitializeParams(clientVersion: string) {
  return {
    clientInfo: { name: 'subagent-mcp', title: 'subagent-mcp', version: clientVersion },
    capabilities: {
      experimentalApi: false,
      optOutNotificationMethods: [...codexIgnoredNotifications],
    },
  };
}

export interface CodexThreadOptions {
  cwd: string;
  permissions: Permissions;
  model?: string;
  instructions?: string;
  /** The thread to continue (`thread/resume`); a new thread when absent. */
  resumeThreadId?: string;
}

/** The `thread/start` or `thread/resume` request for a run. */
export function buildCodexThreadRequest(options: CodexThreadOptions): {
  method: 'thread/start' | 'thread/resume';
  params: Record<string, unknown>;
} {
  const params = {
    cwd: options.cwd,
    ...codexPolicyFor(options.permissions),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.instructions === undefined ? {} : { developerInstructions: options.instructions }),
  };
  if (options.resumeThreadId === undefined) return { method: 'thread/start', params };
  // The turns of the history are not needed: the run reports only the new turn.
  return {
    method: 'thread/resume',
    params: { threadId: options.resumeThreadId, ...params, excludeTurns: true },
  };
}

export function buildCodexTurnParams(threadId: string, prompt: string) {
  return { threadId, input: [{ type: 'text', text: prompt, text_elements: [] }] };
}
