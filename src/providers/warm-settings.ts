/**
 * Warm processes: agent processes a provider keeps alive between runs so a run skips the CLI's
 * start-up (a codex app-server serving every thread, a Claude Code session kept for its next
 * turn). `providers.<id>.warm` bounds them per provider; the provider definition chooses the
 * defaults; `warm: false` (SUBAGENT_MCP_WARM=0, --no-warm) turns every one off. zod only:
 * provider definitions import this at start-up.
 */
import { z } from 'zod';

export interface WarmSettings {
  /** Warm processes the provider keeps at most; 0: none, every run starts its own process. */
  maxProcesses: number;
  /** A warm process idle this long (no run on it) is stopped. */
  idleSeconds: number;
}

/** `providers.<id>.warm` in the config file: each field over the provider's default. */
export const warmSettingsSchema = z.strictObject({
  maxProcesses: z.number().int().nonnegative().optional(),
  idleSeconds: z.number().positive().optional(),
});
export type WarmSettingsInput = z.output<typeof warmSettingsSchema>;

/** What a provider adapter is given besides its own settings. */
export interface ProviderContext {
  warm: WarmSettings;
}

/** No warm process: what a provider without defaults, or every provider with the switch off, gets. */
export const noWarmProcesses: WarmSettings = { maxProcesses: 0, idleSeconds: 1 };

/** The provider's defaults, then the configured fields; none at all when `enabled` is false. */
export function resolveWarmSettings(
  defaults: WarmSettings | undefined,
  configured: WarmSettingsInput | undefined,
  enabled: boolean,
): WarmSettings {
  if (defaults === undefined) return noWarmProcesses;
  const resolved = { ...defaults, ...configured };
  return enabled ? resolved : { ...resolved, maxProcesses: 0 };
}

/** `providers.<id>` split into the provider's own settings and its `warm` fields. */
export function splitWarmSettings(settings: unknown): { own: unknown; warm: unknown } {
  if (typeof settings !== 'object' || settings === null || !('warm' in settings)) {
    return { own: settings, warm: undefined };
  }
  const { warm, ...own } = settings as Record<string, unknown>;
  return { own, warm };
}
