import type { Permissions } from '../../events/index.js';
import type { ApprovalPolicy } from '../kit/provider-settings.js';
import type { AcpAgentRecipe } from './acp-agent-recipe.js';
import type { AcpCommand } from './acp-presets.js';

/** ACP protocol version 1: what every agent here speaks. */
export const acpProtocolVersion = 1;

/** The command line: the located command, its own arguments, the agent's, and the cwd flag. */
export function buildAcpCommandLine(
  located: AcpCommand,
  recipe: Pick<AcpAgentRecipe, 'args' | 'cwdArg'>,
  cwd: string,
): AcpCommand {
  const cwdArgs = recipe.cwdArg === undefined ? [] : [recipe.cwdArg, cwd];
  return { command: located.command, args: [...located.args, ...recipe.args, ...cwdArgs] };
}

/** `initialize`: file reading only where the agent copes with it; no terminal (not offered). */
export function buildAcpInitializeParams(options: { readTextFile: boolean; version: string }) {
  return {
    protocolVersion: acpProtocolVersion,
    clientCapabilities: {
      fs: { readTextFile: options.readTextFile, writeTextFile: true },
      terminal: false,
    },
    clientInfo: { name: 'subagent-mcp', version: options.version },
  };
}

/** The prompt blocks: the instructions (ACP v1 has no system prompt) before the task. */
export function buildAcpPrompt(prompt: string, instructions: string | undefined) {
  const blocks = [{ type: 'text' as const, text: prompt }];
  if (instructions === undefined || instructions.trim() === '') return blocks;
  return [
    { type: 'text' as const, text: `Instructions for this task:\n${instructions}` },
    ...blocks,
  ];
}

/**
 * The session mode for `permissions`: the recipe's, when the agent offers it. `undefined`
 * leaves the agent's current mode.
 */
export function chooseAcpSessionMode(
  modes: Partial<Record<Permissions, string>>,
  permissions: Permissions,
  offered: { currentModeId: string; availableModes: { id: string }[] } | null | undefined,
): string | undefined {
  const wanted = modes[permissions];
  if (wanted === undefined || offered == null) return undefined;
  if (offered.currentModeId === wanted) return undefined;
  return offered.availableModes.some((mode) => mode.id === wanted) ? wanted : undefined;
}

/**
 * The answer to `session/request_permission` under `approvals`: allow once, or reject once; a
 * request without such an option is answered with the nearest (`allow_always`, `reject_always`),
 * else cancelled.
 */
export function chooseAcpPermissionOutcome(
  options: readonly { optionId: string; kind: string }[],
  approvals: ApprovalPolicy,
): { outcome: 'selected'; optionId: string } | { outcome: 'cancelled' } {
  const preference =
    approvals === 'accept' ? ['allow_once', 'allow_always'] : ['reject_once', 'reject_always'];
  for (const kind of preference) {
    const option = options.find((candidate) => candidate.kind === kind);
    if (option) return { outcome: 'selected', optionId: option.optionId };
  }
  return { outcome: 'cancelled' };
}
