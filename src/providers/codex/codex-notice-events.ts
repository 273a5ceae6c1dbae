import type { AgentEventOf } from '../../events/index.js';
import {
  codexModelReroutedSchema,
  codexPlanUpdatedSchema,
  codexWarningSchema,
} from './codex-wire.js';

const planStatuses: Readonly<Record<string, 'pending' | 'in_progress' | 'completed'>> = {
  pending: 'pending',
  inProgress: 'in_progress',
  completed: 'completed',
};

/** `turn/plan/updated` as the whole plan; `undefined` when it does not fit the schema. */
export function planUpdateFrom(params: unknown): AgentEventOf<'plan-update'> | undefined {
  const plan = codexPlanUpdatedSchema.safeParse(params);
  if (!plan.success) return undefined;
  const entries = plan.data.plan.map((step) => ({
    content: step.step,
    status: planStatuses[step.status] ?? 'pending',
  }));
  return { type: 'plan-update', entries };
}

/** Notifications that only tell the user something; `undefined` for any other method. */
export function noticeFrom(
  method: string,
  params: unknown,
): { message: string; model?: string } | undefined {
  switch (method) {
    case 'warning':
    case 'guardianWarning':
    case 'configWarning':
    case 'deprecationNotice': {
      const parsed = codexWarningSchema.safeParse(params);
      if (!parsed.success) return undefined;
      const text = parsed.data.message ?? parsed.data.summary ?? method;
      return { message: `Codex: ${text}${parsed.data.details ? ` (${parsed.data.details})` : ''}` };
    }
    case 'model/rerouted': {
      const parsed = codexModelReroutedSchema.safeParse(params);
      if (!parsed.success) return undefined;
      const { fromModel, toModel } = parsed.data;
      return { message: `Codex switched from ${fromModel} to ${toModel}.`, model: toModel };
    }
    default:
      return undefined;
  }
}
