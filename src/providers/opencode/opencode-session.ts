import { AgentError } from '../../errors/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import {
  buildOpencodePermissionRules,
  buildOpencodeSessionBody,
  endsWithRules,
} from './opencode-args.js';
import type { OpencodeClient } from './opencode-client.js';
import { opencodeAgentsSchema, opencodeSessionSchema } from './opencode-wire.js';

type SessionRequest = Pick<
  ProviderRunRequest,
  'prompt' | 'permissions' | 'resumeNativeSessionId' | 'signal'
>;

/**
 * The session a run's turn goes to, with the run's permission rules: a new one, or the one to
 * resume (its rules updated when they differ). Throws `AgentError`: `agent_error` for an
 * unknown session or a refusal, `agent_crashed` when opencode does not answer.
 */
export async function openOpencodeSession(
  client: OpencodeClient,
  request: SessionRequest,
): Promise<string> {
  const { signal } = request;
  const rules = buildOpencodePermissionRules(
    request.permissions,
    await readAllowedDirectories(client, signal),
  );
  const sessionId = request.resumeNativeSessionId;
  if (sessionId === undefined) {
    const created = await client.call({
      method: 'POST',
      path: '/session',
      body: buildOpencodeSessionBody({ prompt: request.prompt, rules }),
      signal,
    });
    return opencodeSessionSchema.parse(created).id;
  }
  const path = `/session/${encodeURIComponent(sessionId)}`;
  const found = await client.call({ path, signal }).catch((error: unknown) => {
    // opencode answers 404 for an unknown `ses_…` id, and 500 for an id of another shape.
    const status = AgentError.is(error, 'agent_error') ? error.details.httpStatus : undefined;
    if (status === 404 || (status === 500 && !sessionId.startsWith('ses'))) {
      throw new AgentError('agent_error', `opencode has no session ${sessionId}.`, {
        cause: error,
        details: { httpStatus: status },
      });
    }
    throw error;
  });
  const session = opencodeSessionSchema.parse(found);
  if (!endsWithRules(session.permission ?? [], rules)) {
    await client.call({ method: 'PATCH', path, body: { permission: rules }, signal });
  }
  return session.id;
}

/**
 * The external directories opencode itself allows its agents (its tool-output directory and
 * its scratch directory under /tmp), which an `external_directory` session rule would hide.
 * Read from `GET /agent` (the `build` agent); none when that fails.
 */
async function readAllowedDirectories(
  client: OpencodeClient,
  signal: AbortSignal,
): Promise<string[]> {
  try {
    const response = await client.send({ path: '/agent', timeoutMs: 10_000, signal });
    const agents = opencodeAgentsSchema.safeParse(response.body);
    if (!agents.success) return [];
    const build = agents.data.find((agent) => agent.name === 'build') ?? agents.data[0];
    const patterns = (build?.permission ?? []).flatMap((rule) =>
      rule.permission === 'external_directory' && rule.action === 'allow' && rule.pattern !== '*'
        ? [rule.pattern]
        : [],
    );
    return [...new Set(patterns)];
  } catch {
    return [];
  }
}
