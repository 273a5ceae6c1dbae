import { z } from 'zod';
import { cliSettingsShape } from '../kit/provider-settings.js';
import { defineProvider } from '../provider-definition.js';

/** `providers.gemini` in the config file. */
export const geminiSettingsSchema = z.strictObject({ ...cliSettingsShape });
export type GeminiSettings = z.infer<typeof geminiSettingsSchema>;

export const geminiDefinition = defineProvider({
  id: 'gemini',
  name: 'Gemini CLI',
  capabilities: { resume: true, cancel: true, permissions: true, streamingText: true },
  settingsSchema: geminiSettingsSchema,
  load: async () => (await import('./gemini-provider.js')).createGeminiProvider,
});
