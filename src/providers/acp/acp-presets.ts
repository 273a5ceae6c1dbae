/**
 * The ACP agents subagent-mcp knows out of the box, each with how to find its command and the
 * quirks observed in it (versions in docs/providers/acp.md): which session mode matches each
 * `permissions` value, what to put in its environment, what it cannot take.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Permissions } from '../../events/index.js';
import { findExecutableOnPath } from '../../process/index.js';
import { claudeCodeSessionVariables } from '../claude-code/claude-code-environment.js';
import { codexSessionVariables } from '../codex/codex-environment.js';
import { findGeminiBinary } from '../gemini/gemini-binary.js';
import { geminiDefaultVariables, geminiSessionVariables } from '../gemini/gemini-environment.js';
import { findOpencodeBinary } from '../opencode/opencode-binary.js';
import { opencodeSessionVariables } from '../opencode/opencode-environment.js';
import { acpPresetTitles, type AcpPresetName } from './acp-settings.js';

/** The executable to spawn and the arguments that come before the agent's own. */
export interface AcpCommand {
  command: string;
  args: string[];
}

type Environment = Readonly<Record<string, string | undefined>>;

export interface AcpPreset {
  title: string;
  /** The command, found; `undefined` when it is not installed. Notes each place looked. */
  locate: (environment: Environment, searched: string[]) => AcpCommand | undefined;
  args: readonly string[];
  installHint: string;
  /** The session mode for each `permissions` value, among the modes the agent offers. */
  modes: Partial<Record<Permissions, string>>;
  /** Variables of an enclosing session of the same agent, removed from the inherited environment. */
  scrubbed: readonly string[];
  /** Variables for this run's permissions (`undefined` removes one). */
  environmentFor?(permissions: Permissions): Record<string, string | undefined>;
  /** Fixed variables (e.g. switches that make the agent faster or quieter). */
  env?: Record<string, string>;
  /** Offer `fs/read_text_file` (Gemini 0.61 cannot create a file when it is offered). */
  readTextFile?: boolean;
  /** Gemini 0.61 destroys a session loaded twice in one clock minute: see acp-resume-guard.ts. */
  resumeGuard?: 'gemini-chat-minute';
  /** How long the agent may take to exit by itself once its stdin closes (default 500 ms). */
  exitAfterStdinCloseMs?: number;
}

/** Permission rules in opencode's config shape, as `OPENCODE_PERMISSION` takes them. */
function opencodePermission(permissions: Permissions): string {
  if (permissions === 'full-access') {
    const allow = ['edit', 'bash', 'task', 'external_directory', 'read', 'doom_loop'];
    return JSON.stringify({
      ...Object.fromEntries(allow.map((key) => [key, 'allow'])),
      question: 'deny',
    });
  }
  const isReadOnly = permissions === 'read-only';
  return JSON.stringify({
    edit: isReadOnly ? 'ask' : 'allow',
    bash: isReadOnly ? 'ask' : 'allow',
    task: isReadOnly ? 'deny' : 'allow',
    external_directory: 'ask',
    doom_loop: 'ask',
    question: 'deny',
  });
}

export const acpPresets: Readonly<Record<AcpPresetName, AcpPreset>> = {
  gemini: {
    title: acpPresetTitles.gemini,
    locate: (environment, searched) => {
      const binary = findGeminiBinary({ environment });
      searched.push(`gemini (package bundle, then PATH): ${binary ?? 'not found'}`);
      return binary === undefined ? undefined : { command: binary, args: [] };
    },
    args: ['--acp'],
    installHint: 'Install Gemini CLI: npm i -g @google/gemini-cli',
    modes: { 'read-only': 'default', 'workspace-write': 'autoEdit', 'full-access': 'yolo' },
    scrubbed: geminiSessionVariables,
    // As the gemini provider: no self-relaunch (faster; signals reach the real process), and
    // the workspace trusted (the run's cwd was checked against the allowed roots).
    env: { ...geminiDefaultVariables },
    readTextFile: false,
    resumeGuard: 'gemini-chat-minute',
  },
  opencode: {
    title: acpPresetTitles.opencode,
    locate: (environment, searched) => {
      const binary = findOpencodeBinary({ environment, searched });
      return binary === undefined ? undefined : { command: binary, args: [] };
    },
    args: ['acp'],
    installHint: 'Install opencode: npm i -g opencode-ai',
    // opencode acp has no session modes; its permission rules come from OPENCODE_PERMISSION.
    modes: {},
    scrubbed: opencodeSessionVariables,
    environmentFor: (permissions) => ({ OPENCODE_PERMISSION: opencodePermission(permissions) }),
  },
  claude: {
    title: acpPresetTitles.claude,
    locate: (environment, searched) =>
      onPath('claude-agent-acp', environment, searched) ??
      packageScript('@agentclientprotocol/claude-agent-acp', 'claude-agent-acp', searched),
    args: [],
    installHint: 'Install the Claude ACP adapter: npm i -g @agentclientprotocol/claude-agent-acp',
    modes: {
      'read-only': 'default',
      'workspace-write': 'acceptEdits',
      'full-access': 'bypassPermissions',
    },
    scrubbed: claudeCodeSessionVariables,
    // Its Claude Code child writes the session (the interrupted turn too) after the prompt
    // settles. A session cancelled in its first turn failed to resume in 2 of ~8 test runs with
    // the 500 ms default; a signal cutting that write short is the suspected cause (unproven).
    exitAfterStdinCloseMs: 3000,
    // Claude Code accepts bypassPermissions as root only with IS_SANDBOX=1.
    environmentFor: (permissions) => ({
      IS_SANDBOX: permissions === 'full-access' ? '1' : undefined,
    }),
  },
  codex: {
    title: acpPresetTitles.codex,
    locate: (environment, searched) =>
      onPath('codex-acp', environment, searched) ??
      packageScript('@agentclientprotocol/codex-acp', 'codex-acp', searched),
    args: [],
    installHint: 'Install the Codex ACP adapter: npm i -g @agentclientprotocol/codex-acp',
    modes: {
      'read-only': 'read-only',
      'workspace-write': 'workspace-write',
      'full-access': 'agent-full-access',
    },
    scrubbed: codexSessionVariables,
  },
};

function onPath(
  name: string,
  environment: Environment,
  searched: string[],
): AcpCommand | undefined {
  const found = findExecutableOnPath(name, environment.PATH ?? '');
  searched.push(`${name} on PATH: ${found ?? 'not found'}`);
  return found === undefined ? undefined : { command: found, args: [] };
}

/** A package installed beside subagent-mcp whose bin is a Node script: run it with our Node. */
function packageScript(
  packageName: string,
  binName: string,
  searched: string[],
): AcpCommand | undefined {
  try {
    const manifestPath = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      bin?: string | Record<string, string>;
    };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
    if (bin === undefined) throw new Error(`no bin ${binName}`);
    const script = join(dirname(manifestPath), bin);
    searched.push(`package ${packageName}: found ${script}`);
    return { command: process.execPath, args: [script] };
  } catch {
    searched.push(`package ${packageName}: not installed`);
    return undefined;
  }
}
