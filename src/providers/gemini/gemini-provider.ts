import { randomUUID } from 'node:crypto';
import type { AgentProvider } from '../agent-provider.js';
import { requireBinary } from '../kit/binary-discovery.js';
import { createRunMarker } from '../kit/child-process.js';
import { runLineProcess } from '../kit/run-line-process.js';
import { describeInstance, type ProviderIdentity } from '../provider-definition.js';
import { buildGeminiArgs } from './gemini-args.js';
import { geminiBinary } from './gemini-binary.js';
import { createGeminiDecoder } from './gemini-decoder.js';
import { geminiDefinition, type GeminiSettings } from './gemini-definition.js';
import { buildGeminiEnvironment } from './gemini-environment.js';
import { probeGemini } from './gemini-probe.js';

// With GEMINI_CLI_NO_RELAUNCH, SIGINT ends gemini within ~70 ms; two seconds is generous.
const interruptGraceMs = 2000;
// After its `result` line gemini has written the session (synchronously) and has nothing left
// to report, yet after a shell tool it takes 1.5–2.5 s to exit, SIGINT or SIGTERM or not. So
// the tree gets SIGTERM at once and SIGKILL this much later.
const afterResultGraceMs = 300;
/** Every run's child carries `<name>=<uuid>`, so the shells it starts can be found and ended. */
export const geminiRunMarkerVariable = 'SUBAGENT_MCP_GEMINI_RUN';

/**
 * The Gemini CLI adapter: one `gemini --prompt=… -o stream-json` process per turn. SIGINT
 * interrupts it. Its shell tool starts each command in a session of its own, which outlives a
 * signal to gemini and is reparented to init once gemini exits: the run's marker finds it.
 */
export function createGeminiProvider(
  settings: GeminiSettings = {},
  identity: ProviderIdentity = geminiDefinition,
): AgentProvider {
  return {
    ...describeInstance(geminiDefinition, identity),
    probe: (options) => probeGemini(settings, options?.signal),
    async *run(request) {
      const { cwd } = request;
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
      const marker = createRunMarker(geminiRunMarkerVariable);
      const env = buildGeminiEnvironment(request.environment, settings.env, cwd, marker.variables);
      const lookup = { configuredBinary: settings.binary, environment: env };
      yield* runLineProcess({
        spawn: { binary: requireBinary(geminiBinary, lookup), args, cwd, env },
        stop: { signal: 'SIGINT', graceMs: interruptGraceMs, marker: marker.entry },
        // The turn is over at its `result`; after a shell tool the CLI lingers ~1.5 s more.
        stopWhenSettled: { signal: null, killAfterMs: afterResultGraceMs },
        signal: request.signal,
        decoder: createGeminiDecoder({ cwd, provider: identity.id }),
      });
    },
  };
}
