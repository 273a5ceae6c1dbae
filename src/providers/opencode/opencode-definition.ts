import { z } from 'zod';
import { approvalPolicySchema, cliSettingsShape } from '../kit/provider-settings.js';
import { defineProvider } from '../provider-definition.js';

/** `providers.opencode` in the config file. */
export const opencodeSettingsSchema = z.strictObject({
  ...cliSettingsShape,
  /** How permission requests are answered (default: decline). */
  approvals: approvalPolicySchema.optional(),
  /** Use this running `opencode serve` instead of starting one. */
  serverUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Its Basic-auth credentials (OPENCODE_SERVER_USERNAME / OPENCODE_SERVER_PASSWORD). */
  serverUsername: z.string().min(1).optional(),
  serverPassword: z.string().min(1).optional(),
});
export type OpencodeSettings = z.infer<typeof opencodeSettingsSchema>;

export const opencodeDefinition = defineProvider({
  id: 'opencode',
  name: 'opencode',
  capabilities: { resume: true, cancel: true, permissions: true, streamingText: true },
  settingsSchema: opencodeSettingsSchema,
  load: async () => {
    const { createOpencodeProvider } = await import('./opencode-provider.js');
    return (settings, identity) => createOpencodeProvider(settings, identity);
  },
});
