import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { AgentEvent } from '../../src/events/index.js';

/** Collects progress notifications of one call, with the structured event of each. */
export function createProgressRecorder() {
  const notifications: Progress[] = [];
  return {
    notifications,
    onprogress: (progress: Progress) => {
      notifications.push(progress);
    },
    events(): AgentEvent[] {
      return notifications
        .map((progress) => eventOf(progress))
        .filter((event): event is AgentEvent => event !== undefined);
    },
    messages(): string[] {
      return notifications.map((progress) => progress.message ?? '');
    },
    /** Event types in order, with runs of deltas collapsed, for readable assertions and notes. */
    sequence(): string[] {
      const types = this.events().map((event) => event.type);
      return types.filter((type, index) => !(type.endsWith('-delta') && types[index - 1] === type));
    },
  };
}

/** The SDK's `Progress` type omits `_meta`, but the notification's `_meta` reaches `onprogress`. */
export function eventOf(progress: Progress): AgentEvent | undefined {
  const meta = (progress as Progress & { _meta?: Record<string, unknown> })._meta;
  return meta?.['subagent-mcp/event'] as AgentEvent | undefined;
}
