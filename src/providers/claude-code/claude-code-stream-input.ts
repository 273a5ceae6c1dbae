/**
 * The lines a live `claude --input-format stream-json` process reads on stdin (Claude Code
 * 2.1.332; docs/providers/claude-code.md): a user message starts a turn, an interrupt control
 * request ends the running one with an `error_during_execution` result and keeps the process.
 */

/** One user message: the next turn of the session. */
export function claudeCodeUserLine(prompt: string): string {
  return JSON.stringify({ type: 'user', message: { role: 'user', content: prompt } });
}

/** Interrupts the running turn; answered by a `control_response` line, then the turn's result. */
export function claudeCodeInterruptLine(requestId: string): string {
  return JSON.stringify({
    type: 'control_request',
    request_id: requestId,
    request: { subtype: 'interrupt' },
  });
}
