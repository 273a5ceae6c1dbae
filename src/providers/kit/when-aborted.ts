/**
 * Runs `action` once when `signal` aborts — at once when it has already — and returns the
 * function that stops listening (call it in `finally`).
 */
export function whenAborted(signal: AbortSignal | undefined, action: () => void): () => void {
  if (signal === undefined) return () => undefined;
  signal.addEventListener('abort', action, { once: true });
  if (signal.aborted) action();
  return () => signal.removeEventListener('abort', action);
}
