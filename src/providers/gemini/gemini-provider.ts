import { randomUUID } from 'node:crypto';
import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import {
  killProcessGroup,
  listMarkedProcesses,
  readLines,
  signalDescendantGroups,
  spawnAgentProcess,
  terminateProcessTree,
} from '../../process/index.js';
import type { AgentProvider, ProviderRunRequest, ProviderSettings } from '../agent-provider.js';
import { buildGeminiArgs } from './gemini-args.js';
import { findGeminiBinary, geminiInstallHint } from './gemini-binary.js';
import { createGeminiDecoder } from './gemini-decoder.js';
import { buildGeminiEnvironment } from './gemini-environment.js';
import { probeGemini } from './gemini-probe.js';

const providerId = 'gemini';
// With GEMINI_CLI_NO_RELAUNCH, SIGINT ends gemini within ~70 ms; two seconds is generous.
const interruptGraceMs = 2000;
// After its `result` line gemini has written the session (synchronously) and has nothing left
// to report, yet after a shell tool it takes 1.5–2.5 s to exit, SIGINT or SIGTERM or not. So
// the tree gets SIGTERM at once and SIGKILL this much later.
const afterResultGraceMs = 300;
/** Every run's child carries `<name>=<uuid>`, so the shells it starts can be found and ended. */
export const geminiRunMarkerVariable = 'SUBAGENT_MCP_GEMINI_RUN';

/** The Gemini CLI adapter: one `gemini --prompt=… -o stream-json` process per turn. */
export function createGeminiProvider(settings: ProviderSettings = {}): AgentProvider {
  return {
    id: providerId,
    name: 'Gemini CLI',
    capabilities: { resume: true, cancel: true, permissions: true, streamingText: true },
    probe: (options) => probeGemini(settings, options?.signal),
    run: (request) => runGemini(settings, request),
  };
}

async function* runGemini(
  settings: ProviderSettings,
  request: ProviderRunRequest,
): AsyncGenerator<AgentEvent, void, undefined> {
  const marker = `${geminiRunMarkerVariable}=${randomUUID()}`;
  const environment = buildGeminiEnvironment(request.environment, settings.env, request.cwd, {
    [geminiRunMarkerVariable]: marker.slice(geminiRunMarkerVariable.length + 1),
  });
  const binary = findGeminiBinary({ configuredBinary: settings.binary, environment });
  if (binary === undefined) throw new AgentError('provider_unavailable', geminiInstallHint);

  const args = buildGeminiArgs({
    prompt: request.prompt,
    model: request.model,
    instructions: request.instructions,
    permissions: request.permissions,
    resumeSessionId: request.resumeNativeSessionId,
    // Ours to choose, so the session is known even if the CLI dies before its first line.
    newSessionId: request.resumeNativeSessionId === undefined ? randomUUID() : undefined,
    extraArgs: settings.extraArgs,
  });
  const child = await spawnAgentProcess({ binary, args, cwd: request.cwd, env: environment });
  const decoder = createGeminiDecoder({ cwd: request.cwd, provider: providerId });
  // Its shell tool starts each command in a session of its own, which outlives a signal to
  // gemini and is reparented to init once gemini exits: found by our marker, it is ended too.
  const endMarkedProcesses = (): void =>
    signalDescendantGroups(listMarkedProcesses(marker), 'SIGKILL');

  let aborted: { reason: unknown } | undefined;
  let termination: Promise<void> | undefined;
  const interrupt = (): void => {
    if (child.hasExited || aborted) return;
    aborted = { reason: request.signal.reason };
    termination = terminateProcessTree(child, { graceMs: interruptGraceMs });
  };
  request.signal.addEventListener('abort', interrupt, { once: true });
  if (request.signal.aborted) interrupt();
  void child.exited.then(() => {
    killProcessGroup(child.pid);
    endMarkedProcesses();
  });

  try {
    for await (const line of readLines(child.stdout)) {
      yield* decoder.push(line);
      // The turn is over at its `result`; after a shell tool the CLI lingers ~1.5 s more.
      if (decoder.hasEnded) break;
    }
    if (!decoder.hasEnded) {
      const exit = await child.finished;
      yield* decoder.flush({ ...exit, stderrTail: child.stderrTail(), aborted });
    }
  } finally {
    request.signal.removeEventListener('abort', interrupt);
    // Also reached when the consumer stops early: the agent must not outlive its run.
    await (termination ??
      terminateProcessTree(
        child,
        decoder.hasEnded
          ? { gracefulSignal: null, killAfterMs: afterResultGraceMs }
          : { graceMs: interruptGraceMs },
      ));
    endMarkedProcesses();
  }
}
