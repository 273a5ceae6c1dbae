import { readPackageVersion } from '../../package-version.js';
import type { ProviderProbe } from '../agent-provider.js';
import { buildAcpEnvironment, type AcpAgentRecipe } from './acp-agent-recipe.js';
import { buildAcpCommandLine, buildAcpInitializeParams } from './acp-args.js';
import { startAcpConnection, type AcpConnection } from './acp-connection.js';
import { resumeMethodOf } from './acp-turn.js';
import { acpInitializeResultSchema, type AcpInitializeResult } from './acp-wire.js';

const initializeTimeoutMs = 60_000;
const refused = () => {
  throw new Error('the probe offers nothing');
};

// One initialize per agent and server: an agent's version and capabilities do not change while
// we run, and opencode takes seconds to initialize.
const answers = new Map<string, Promise<AcpInitializeResult>>();
// Probe processes still waiting for their initialize answer.
const probing = new Set<AcpConnection>();

/** Ends every probe process still running (at shutdown: a probe may outlive its caller's wait). */
export async function endAcpProbes(): Promise<void> {
  await Promise.all([...probing].map((connection) => connection.shutdown()));
}

/**
 * Command found, then `initialize` in a short-lived agent process: its version, whether it
 * needs a login, and whether it can resume. Never throws. When the answer takes longer than
 * the probe may wait, the agent is reported available and the answer is kept for next time.
 */
export async function probeAcpAgent(
  recipe: AcpAgentRecipe,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  const environment = buildAcpEnvironment(recipe, process.env, 'read-only');
  const searched: string[] = [];
  const located = recipe.locate(environment, searched);
  if (located === undefined) {
    return { available: false, auth: 'unknown', searched, reason: recipe.installHint };
  }
  const cwd = process.cwd();
  const { command, args } = buildAcpCommandLine(located, recipe, cwd);
  const key = JSON.stringify([command, args]);
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = initializeOnce(recipe, command, args, cwd, environment);
    answers.set(key, answer);
    answer.catch(() => answers.delete(key));
  }
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal?.aborted) resolve('aborted');
    signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const base = { available: true, binaryPath: command, searched };
  try {
    const init = await Promise.race([answer, aborted]);
    if (init === 'aborted') {
      return {
        ...base,
        auth: 'unknown',
        reason: `${command} did not answer initialize in time; asked again next time.`,
      };
    }
    return {
      ...base,
      ...(init.agentInfo?.version ? { version: init.agentInfo.version } : {}),
      // No authentication method offered: nothing to log in to.
      auth: (init.authMethods ?? []).length === 0 ? 'ok' : 'unknown',
      capabilities: { resume: resumeMethodOf(init) !== undefined },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      available: false,
      auth: 'unknown',
      reason: `${command} failed to initialize: ${message}`,
    };
  }
}

async function initializeOnce(
  recipe: AcpAgentRecipe,
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<AcpInitializeResult> {
  const connection = await startAcpConnection({
    command,
    args,
    cwd,
    env,
    handlers: { requestPermission: refused, readTextFile: refused, writeTextFile: refused },
  });
  probing.add(connection);
  try {
    const ending = connection.child.exited.then((exit) => {
      const stderr = connection.stderrTail().slice(-500);
      throw new Error(
        `it exited (${exit.signal ?? `exit code ${exit.exitCode}`})${stderr ? `: ${stderr}` : ''}`,
      );
    });
    ending.catch(() => undefined);
    const params = buildAcpInitializeParams({
      readTextFile: recipe.readTextFile,
      version: readPackageVersion(),
    });
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no initialize answer within ${initializeTimeoutMs / 1000} s`)),
        initializeTimeoutMs,
      );
    });
    const result = await Promise.race([
      connection.agent.request('initialize', params),
      ending,
      expiry,
    ]).finally(() => clearTimeout(timer));
    return acpInitializeResultSchema.parse(result);
  } finally {
    probing.delete(connection);
    await connection.shutdown();
  }
}
