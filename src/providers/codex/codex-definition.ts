import { z } from 'zod';
import { approvalPolicySchema, cliSettingsShape } from '../kit/provider-settings.js';
import { defineProvider } from '../provider-definition.js';

/** `providers.codex` in the config file. */
export const codexSettingsSchema = z.strictObject({
  ...cliSettingsShape,
  /** How approvals the app-server asks for are answered (default: decline). */
  approvals: approvalPolicySchema.optional(),
});
export type CodexSettings = z.infer<typeof codexSettingsSchema>;

export const codexDefinition = defineProvider({
  id: 'codex',
  name: 'Codex',
  capabilities: { resume: true, cancel: true, permissions: true, streamingText: true },
  settingsSchema: codexSettingsSchema,
  // One app-server serves every thread of an environment. A run cancelled or timed out retires
  // its server, so an abort still leaves no process; an idle one holds ~139 MiB (README).
  warm: { maxProcesses: 2, idleSeconds: 300 },
  load: async () => (await import('./codex-provider.js')).createCodexProvider,
});
