import type { McpServer } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../../config/index.js';
import type { AgentProvider, ProviderProbe } from '../../providers/agent-provider.js';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import { listProvidersResultSchema, type ListProvidersResult } from './tool-schemas.js';

const description = `List the sub-agent providers run_agent can use here: whether each is installed and logged in (and if not, what to do), its version, capabilities and models, plus the default provider.`;

const cacheMs = 10_000;
// Every provider is probed at once; opencode's short-lived server alone needs ~4 s on an idle
// 2-core machine and several times that under load. Still well under clients' 60 s.
const probeTimeoutMs = 25_000;

export function registerListProvidersTool(
  server: McpServer,
  dependencies: { config: ServerConfig; registry: ProviderRegistry },
): void {
  const { config, registry } = dependencies;
  let cached: { at: number; result: Promise<ListProvidersResult> } | undefined;

  const probeAll = async (): Promise<ListProvidersResult> => {
    // Loaded with the first call: a server start does not probe.
    const { probeProvider } = await import('../../providers/probe-provider.js');
    return {
      providers: await Promise.all(
        registry
          .list()
          .map(async (provider) =>
            describeProvider(provider, await probeProvider(provider, probeTimeoutMs)),
          ),
      ),
      default_provider: config.defaultProvider,
    };
  };

  server.registerTool(
    'list_providers',
    {
      title: 'List sub-agent providers',
      description,
      outputSchema: listProvidersResultSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => {
      if (!cached || Date.now() - cached.at > cacheMs)
        cached = { at: Date.now(), result: probeAll() };
      const probed = await cached.result;
      // The probe is cached; how many processes are warm is read now.
      const result = {
        ...probed,
        providers: probed.providers.map((entry) => ({
          ...entry,
          warm_processes: registry.get(entry.id).warmProcesses?.(),
        })),
      };
      const lines = result.providers.map(
        (provider) =>
          `${provider.id}: ${provider.available ? `available${provider.version ? ` (${provider.version})` : ''}, auth ${provider.auth}` : `unavailable — ${provider.reason ?? 'unknown reason'}`}`,
      );
      return {
        content: [
          { type: 'text', text: `${lines.join('\n')}\ndefault: ${result.default_provider}` },
        ],
        structuredContent: result,
      };
    },
  );
}

function describeProvider(provider: AgentProvider, probe: ProviderProbe) {
  const capabilities = { ...provider.capabilities, ...probe.capabilities };
  return {
    id: provider.id,
    name: provider.name,
    available: probe.available,
    version: probe.version,
    auth: probe.auth,
    reason: probe.reason,
    capabilities: {
      resume: capabilities.resume,
      cancel: capabilities.cancel,
      permissions: capabilities.permissions,
      streaming_text: capabilities.streamingText,
    },
    models: probe.models,
    warm_processes: provider.warmProcesses?.(),
  };
}
