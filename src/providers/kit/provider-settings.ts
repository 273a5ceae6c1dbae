/**
 * Settings fields several providers share, as zod shapes each provider spreads into its own
 * settings schema. zod only: provider definitions import this at start-up.
 */
import { z } from 'zod';

/** The fields of every provider that runs a CLI. */
export const cliSettingsShape = {
  /** Path of the CLI to run, overriding discovery. */
  binary: z.string().min(1).optional(),
  /** Variables set in the child's environment, applied after scrubbing. */
  env: z.record(z.string(), z.string()).optional(),
  /** Extra CLI arguments. */
  extraArgs: z.array(z.string()).optional(),
};

/**
 * How the agent's requests for permission beyond the run's `permissions` are answered:
 * `decline` (the default) or `accept`. Answered at once either way.
 */
export const approvalPolicySchema = z.enum(['decline', 'accept']);
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;
