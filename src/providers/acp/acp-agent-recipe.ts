import type { Permissions } from '../../events/index.js';
import { findExecutableOnPath, isExecutableFile } from '../../process/index.js';
import { buildChildEnvironment } from '../kit/child-environment.js';
import type { ApprovalPolicy } from '../kit/provider-settings.js';
import { acpPresets, type AcpCommand, type AcpPreset } from './acp-presets.js';
import { isAcpPresetName, type AcpAgentSettings } from './acp-settings.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** Everything needed to start and drive one configured ACP agent, `acp:<name>`. */
export interface AcpAgentRecipe {
  /** The `<name>` of `acp:<name>`. */
  name: string;
  title: string;
  /** The command to spawn; `undefined` when not found (the reason is `installHint`). */
  locate(environment: Environment, searched: string[]): AcpCommand | undefined;
  /** Arguments after the located command's own. */
  args: readonly string[];
  cwdArg?: string;
  env: Record<string, string>;
  approvals: ApprovalPolicy;
  modes: Partial<Record<Permissions, string>>;
  readTextFile: boolean;
  scrubbed: readonly string[];
  environmentFor(permissions: Permissions): Record<string, string | undefined>;
  /** `permissions` reaches the agent (a session mode, or variables such as opencode's). */
  mapsPermissions: boolean;
  resumeGuard?: AcpPreset['resumeGuard'];
  exitAfterStdinCloseMs?: number;
  installHint: string;
}

/**
 * How to start and drive agent `acp:<name>` with these settings. An entry named after a preset,
 * or with `preset`, takes that preset's quirks and changes what it sets; an entry with its own
 * `command` is a new agent. The command is looked for later, by `locate`, when a probe or run asks.
 */
export function resolveAcpAgent(name: string, settings: AcpAgentSettings): AcpAgentRecipe {
  return recipeFrom(name, settings);
}

function recipeFrom(name: string, settings: AcpAgentSettings): AcpAgentRecipe {
  const presetName = settings.preset ?? (isAcpPresetName(name) ? name : undefined);
  const preset = presetName === undefined ? undefined : acpPresets[presetName];
  const command = settings.command;
  const locate =
    command === undefined
      ? (preset?.locate ?? (() => undefined))
      : (environment: Environment, searched: string[]) =>
          locateCommand(command, environment, searched);
  return {
    name,
    title: settings.title ?? preset?.title ?? `${name} (ACP)`,
    locate,
    args: settings.args ?? (command === undefined ? (preset?.args ?? []) : []),
    ...(settings.cwdArg === undefined ? {} : { cwdArg: settings.cwdArg }),
    env: { ...preset?.env, ...settings.env },
    approvals: settings.approvals ?? 'decline',
    modes: { ...preset?.modes, ...settings.modes },
    readTextFile: settings.readTextFile ?? preset?.readTextFile ?? true,
    scrubbed: preset?.scrubbed ?? [],
    environmentFor: (permissions) => preset?.environmentFor?.(permissions) ?? {},
    mapsPermissions:
      Object.keys({ ...preset?.modes, ...settings.modes }).length > 0 ||
      preset?.environmentFor !== undefined,
    ...(preset?.resumeGuard ? { resumeGuard: preset.resumeGuard } : {}),
    ...(preset?.exitAfterStdinCloseMs === undefined
      ? {}
      : { exitAfterStdinCloseMs: preset.exitAfterStdinCloseMs }),
    installHint:
      command === undefined
        ? (preset?.installHint ?? `Set acpAgents.${name}.command`)
        : `Install ${command} or correct acpAgents.${name}.command`,
  };
}

/** A configured command: a path (with a slash) as given, else looked up on PATH. */
function locateCommand(
  command: string,
  environment: Environment,
  searched: string[],
): AcpCommand | undefined {
  if (command.includes('/')) {
    const found = isExecutableFile(command);
    searched.push(`${command}: ${found ? 'found' : 'not an executable file'}`);
    return found ? { command, args: [] } : undefined;
  }
  const found = findExecutableOnPath(command, environment.PATH ?? '');
  searched.push(`${command} on PATH: ${found ?? 'not found'}`);
  return found === undefined ? undefined : { command: found, args: [] };
}

/**
 * The agent's environment: the server's own (plus the nesting depth counter) without the
 * variables of an enclosing session of the same agent, then the run's permission variables,
 * then the configured ones.
 */
export function buildAcpEnvironment(
  recipe: AcpAgentRecipe,
  base: Environment,
  permissions: Permissions,
): Record<string, string> {
  const permissionVariables = Object.entries(recipe.environmentFor(permissions));
  const unset = permissionVariables.filter(([, value]) => value === undefined);
  const set = permissionVariables.filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return buildChildEnvironment(base, {
    remove: [...recipe.scrubbed, ...unset.map(([name]) => name)],
    defaults: Object.fromEntries(set),
    overrides: recipe.env,
  });
}
