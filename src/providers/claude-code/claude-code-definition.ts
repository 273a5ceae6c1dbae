import { z } from 'zod';
import { cliSettingsShape } from '../kit/provider-settings.js';
import { defineProvider } from '../provider-definition.js';

/** `providers.claude-code` in the config file. */
export const claudeCodeSettingsSchema = z.strictObject({ ...cliSettingsShape });
export type ClaudeCodeSettings = z.infer<typeof claudeCodeSettingsSchema>;

export const claudeCodeDefinition = defineProvider({
  id: 'claude-code',
  name: 'Claude Code',
  capabilities: { resume: true, cancel: true, permissions: true, streamingText: true },
  settingsSchema: claudeCodeSettingsSchema,
  // A completed turn's process waits briefly for the session's next resume_agent: a resume that
  // comes later starts claude afresh. An idle claude holds ~185 MiB resident (README).
  warm: { maxProcesses: 4, idleSeconds: 10 },
  load: async () => (await import('./claude-code-provider.js')).createClaudeCodeProvider,
});
