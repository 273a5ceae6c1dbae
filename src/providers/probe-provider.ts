import type { AgentProvider, ProviderProbe } from './agent-provider.js';

/** Probes one provider within `timeoutMs`; a probe that throws anyway becomes "unavailable". */
export async function probeProvider(
  provider: AgentProvider,
  timeoutMs: number,
): Promise<ProviderProbe> {
  try {
    return await provider.probe({ signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return {
      available: false,
      auth: 'unknown',
      reason: `Probe failed: ${(error as Error).message}`,
    };
  }
}
