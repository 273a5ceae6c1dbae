/**
 * The `acpAgents` section of the config file: each entry becomes provider `acp:<name>`. zod
 * only, so the configuration can import it at start-up without loading the ACP client.
 */
import { z } from 'zod';
import { approvalPolicySchema } from '../kit/provider-settings.js';

/** The agents subagent-mcp knows how to start and drive (see acp-presets.ts). */
export const acpPresetNames = ['gemini', 'opencode', 'claude', 'codex'] as const;
export type AcpPresetName = (typeof acpPresetNames)[number];

/** How list_providers names each preset (known before its code loads). */
export const acpPresetTitles: Readonly<Record<AcpPresetName, string>> = {
  gemini: 'Gemini CLI (ACP)',
  opencode: 'opencode (ACP)',
  claude: 'Claude Agent (ACP)',
  codex: 'Codex (ACP)',
};

export function isAcpPresetName(name: string): name is AcpPresetName {
  return (acpPresetNames as readonly string[]).includes(name);
}

const modeIdsSchema = z.strictObject({
  'read-only': z.string().min(1).optional(),
  'workspace-write': z.string().min(1).optional(),
  'full-access': z.string().min(1).optional(),
});

export const acpAgentSettingsSchema = z.strictObject({
  /**
   * The executable that speaks ACP on stdio (a path, or a name looked up on PATH). Absent: the
   * preset of the same name (or `preset`) supplies it.
   */
  command: z.string().min(1).optional(),
  /** Arguments after the command, e.g. `["--acp"]`. */
  args: z.array(z.string()).optional(),
  /** Variables set in the agent's environment, over the server's own. */
  env: z.record(z.string(), z.string()).optional(),
  /** A flag that passes the run's cwd on the command line (e.g. `--cwd`); it is the spawn cwd anyway. */
  cwdArg: z.string().min(1).optional(),
  /** Take the quirks (permission mapping, fs capabilities, resume guard) of this preset. */
  preset: z.enum(acpPresetNames).optional(),
  /** Human-readable name shown by list_providers. */
  title: z.string().min(1).optional(),
  /** How `session/request_permission` is answered: `decline` (default) or `accept`, at once. */
  approvals: approvalPolicySchema.optional(),
  /** The agent's session mode for each `permissions` value (`session/set_mode`). */
  modes: modeIdsSchema.optional(),
  /** Offer `fs/read_text_file` to the agent (default true; Gemini needs false). */
  readTextFile: z.boolean().optional(),
});

export type AcpAgentSettings = z.infer<typeof acpAgentSettingsSchema>;

/** `acpAgents`: agent names (the `<name>` of `acp:<name>`) to their settings. */
export const acpAgentsSchema = z
  .record(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'an agent name is lower-case letters, digits, . _ -'),
    acpAgentSettingsSchema,
  )
  .default({});
