/**
 * The two closed vocabularies that the tool contract and the configuration share with the
 * events, apart from the event schemas so that a server start builds only these.
 */
import { z } from 'zod';

export const runStatusSchema = z.enum(['completed', 'failed', 'cancelled', 'timed_out']);
/** How a run ended: the `status` of the tool result. */
export type RunStatus = z.infer<typeof runStatusSchema>;

export const permissionsSchema = z.enum(['read-only', 'workspace-write', 'full-access']);
/** What the sub-agent may do; each provider maps it to its CLI's own flags or policy. */
export type Permissions = z.infer<typeof permissionsSchema>;
