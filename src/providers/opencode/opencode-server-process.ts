import { AgentError } from '../../errors/index.js';
import type { AgentProcess } from '../../process/index.js';
import { startChildProcess } from '../kit/child-process.js';

export interface StartOpencodeServerOptions {
  binary: string;
  args: readonly string[];
  /** The directory it starts in (`PWD`); every request names its own directory anyway. */
  cwd: string;
  env: Record<string, string>;
  /** How long it may take to print its listening line (default 30 s; it takes ~1.5 s). */
  startupTimeoutMs?: number;
  /** Where a retried start is reported (default: a `subagent-mcp:` line on stderr). */
  log?: (line: string) => void;
}

/** A running `opencode serve` that reported its URL. */
export interface OpencodeServerProcess {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  readonly url: string;
  readonly child: AgentProcess;
  /** The last lines it printed on stdout and stderr. */
  output(): string;
  /** SIGTERM (it exits in ~70 ms), then the rest of its process tree. Never rejects. */
  stop(): Promise<void>;
}

const listeningLine = /listening on (https?:\/\/\S+)/;
const outputLinesKept = 40;
const defaultStartupTimeoutMs = 30_000;
// opencode exits ~70 ms after SIGTERM; after a long life it once took a few seconds.
const stopGraceMs = 5000;
// Servers started at once on a fresh data directory race on its SQLite migrations: the losers
// exit with code 1 (`Failed query: CREATE TABLE ...`) before listening (docs/providers/opencode.md).
const startAttempts = 3;
const retryDelayMs = { min: 100, spread: 400 };
const logToStderr = (line: string): void => void process.stderr.write(`subagent-mcp: ${line}\n`);

/**
 * Spawns `opencode serve` and resolves once it printed `opencode server listening on <url>`.
 * Requests sent before that line can hang forever, so the port is never probed. Rejects with
 * `AgentError('spawn_failed')` (the process tree ended) when it cannot start, exits first or
 * stays silent past the startup timeout; the message carries what it printed. An exit with
 * code 1 before listening is retried (up to 3 attempts, after a short random pause), since
 * concurrent first starts on one data directory make all but one fail that way.
 */
export async function startOpencodeServer(
  options: StartOpencodeServerOptions,
): Promise<OpencodeServerProcess> {
  const log = options.log ?? logToStderr;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!AgentError.is(error, 'spawn_failed') || error.details.exitCode !== 1) throw error;
      if (attempt === startAttempts) {
        const message = error.message.replace(
          'before it was listening',
          `before it was listening (${attempt} attempts)`,
        );
        throw new AgentError('spawn_failed', message, { details: error.details });
      }
      const delayMs = retryDelayMs.min + Math.round(Math.random() * retryDelayMs.spread);
      log(
        `opencode serve exited (exit code 1) before it was listening (attempt ${attempt} of ${startAttempts}); starting it again in ${delayMs} ms.`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

async function startOnce(options: StartOpencodeServerOptions): Promise<OpencodeServerProcess> {
  const server = await startChildProcess({
    binary: options.binary,
    args: options.args,
    cwd: options.cwd,
    env: options.env,
    stop: { signal: 'SIGTERM', graceMs: stopGraceMs },
  });
  const { process: child, stop } = server;
  const lines: string[] = [];
  const output = (): string => [...lines, child.stderrTail()].join('\n').trim();
  const timeoutMs = options.startupTimeoutMs ?? defaultStartupTimeoutMs;

  let reportUrl: (url: string | undefined) => void = () => undefined;
  const announced = new Promise<string | undefined>((resolve) => (reportUrl = resolve));
  // Read stdout for as long as the server lives, so its pipe never fills up.
  void (async () => {
    for await (const line of server.lines) {
      lines.push(line);
      if (lines.length > outputLinesKept) lines.shift();
      const url = listeningLine.exec(line)?.[1];
      if (url !== undefined) reportUrl(url.replace(/\/+$/, ''));
    }
    reportUrl(undefined);
  })().catch(() => reportUrl(undefined));

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const exited = child.finished.then(() => undefined);
  const url = await Promise.race([announced, exited, timedOut]);
  clearTimeout(timer);
  if (typeof url === 'string' && url !== 'timeout') return { url, child, output, stop };

  await stop();
  const exit = await child.finished;
  const printed = output();
  const why =
    url === 'timeout'
      ? `did not report that it was listening within ${timeoutMs / 1000} s`
      : `exited (${exit.signal ?? `exit code ${exit.exitCode}`}) before it was listening`;
  throw new AgentError(
    'spawn_failed',
    `${options.binary} serve ${why}${printed ? `. It printed:\n${printed.slice(-2000)}` : '.'}`,
    { details: { binary: options.binary, exitCode: exit.exitCode, signal: exit.signal } },
  );
}
