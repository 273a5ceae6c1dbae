/**
 * The ACP agents as provider definitions, one per `acp:<name>`: the four presets, then every
 * entry of `acpAgents` (an entry named after a preset replaces it). Only zod settings load at
 * start; the ACP client, the SDK and the preset's command lookup load when a probe or run asks.
 */
import { defineProvider, type ProviderDefinition } from '../provider-definition.js';
import {
  acpAgentSettingsSchema,
  acpPresetNames,
  acpPresetTitles,
  isAcpPresetName,
  type AcpAgentSettings,
} from './acp-settings.js';

const acpIdPrefix = 'acp:';

export function createAcpDefinitions(
  configured: Readonly<Record<string, AcpAgentSettings>>,
): ProviderDefinition[] {
  const presets = acpPresetNames.filter((name) => !Object.hasOwn(configured, name));
  return [...presets, ...Object.keys(configured)].map((name) =>
    defineAcpAgent(name, configured[name] ?? {}),
  );
}

function defineAcpAgent(name: string, settings: AcpAgentSettings): ProviderDefinition {
  const presetName = settings.preset ?? (isAcpPresetName(name) ? name : undefined);
  // Every preset maps `permissions` (session modes or variables); a bare command needs `modes`.
  const mapsPermissions = presetName !== undefined || Object.keys(settings.modes ?? {}).length > 0;
  return defineProvider({
    id: `${acpIdPrefix}${name}`,
    name:
      settings.title ?? (presetName === undefined ? `${name} (ACP)` : acpPresetTitles[presetName]),
    kind: 'acp',
    // resume and cancel as the agent's `initialize` reports them, once a probe asked.
    capabilities: { resume: true, cancel: true, permissions: mapsPermissions, streamingText: true },
    settingsSchema: acpAgentSettingsSchema,
    load: async () => {
      const [{ createAcpProvider }, { resolveAcpAgent }] = await Promise.all([
        import('./acp-provider.js'),
        import('./acp-agent-recipe.js'),
      ]);
      return (parsed, identity) =>
        createAcpProvider(resolveAcpAgent(identity.id.slice(acpIdPrefix.length), parsed));
    },
  });
}
