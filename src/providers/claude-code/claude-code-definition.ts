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
  load: async () => {
    const { createClaudeCodeProvider, defaultClaudeWarmLimits } =
      await import('./claude-code-provider.js');
    return (settings, identity) =>
      createClaudeCodeProvider(settings, identity, defaultClaudeWarmLimits);
  },
});
