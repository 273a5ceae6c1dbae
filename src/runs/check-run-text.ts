import { AgentError, quoteInput } from '../errors/index.js';

/**
 * Refuses a NUL character in the text of a run (prompt, model, instructions, cwd) before
 * anything is spawned: a process argument or a path cannot carry one (spawn throws, after the
 * binary was looked up), and no agent means one. The same for every provider, whether it takes
 * the text on its command line or over a protocol.
 */
export function assertNoNulCharacter(fields: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(fields)) {
    const at = value?.indexOf('\u0000') ?? -1;
    if (value === undefined || at === -1) continue;
    throw new AgentError(
      'invalid_input',
      `${name} must not contain a NUL character (\\u0000, found at character ${at}): ${quoteInput(value)}.`,
    );
  }
}
