import type { AgentEventOf } from '../../events/index.js';
import type { ApprovalPolicy } from '../kit/provider-settings.js';
import type { OpencodePermissionAsked, OpencodeQuestionAsked } from './opencode-wire.js';

/** What we send opencode for a request: where, and the body. */
export interface OpencodeReply {
  path: string;
  body: Record<string, unknown>;
}

/**
 * The feedback of a declined permission. A rejection with a message lets the agent go on
 * (the tool fails with this text); one without ends the turn.
 */
export const declinedPermissionMessage =
  'subagent-mcp declined this request: the run is unattended and its approval policy ' +
  '(providers.opencode.approvals) is "decline". Continue without it, within what is allowed.';

const subjectLimit = 300;

type PermissionRequestEvent = AgentEventOf<'permission-request'>;

/**
 * The answer to `permission.asked`: `once` when approvals are accepted, otherwise `reject`
 * with feedback so the agent continues — except a `doom_loop` ask (the agent repeats the
 * same call), which is rejected without feedback to end the turn.
 */
export function replyToPermission(
  asked: OpencodePermissionAsked,
  approvals: ApprovalPolicy,
): OpencodeReply {
  const path = `/permission/${encodeURIComponent(asked.id)}/reply`;
  if (approvals === 'accept') return { path, body: { reply: 'once' } };
  if (asked.permission === 'doom_loop') return { path, body: { reply: 'reject' } };
  return { path, body: { reply: 'reject', message: declinedPermissionMessage } };
}

/** Questions are always dismissed: nobody is there to choose an answer. */
export function replyToQuestion(asked: OpencodeQuestionAsked): OpencodeReply {
  return { path: `/question/${encodeURIComponent(asked.id)}/reject`, body: {} };
}

/** The `permission-request` event for a `permission.asked` answered by `approvals`. */
export function permissionRequestEvent(
  asked: OpencodePermissionAsked,
  approvals: ApprovalPolicy,
): PermissionRequestEvent {
  const metadata = asked.metadata ?? {};
  const patterns = (asked.patterns ?? []).join(', ');
  const text = (key: string): string | undefined =>
    typeof metadata[key] === 'string' && metadata[key] !== '' ? metadata[key] : undefined;
  const subjects: Record<string, string | undefined> = {
    bash: text('command'),
    edit: text('filepath'),
    external_directory: text('parentDir') ?? text('filepath'),
  };
  const kinds: Record<string, PermissionRequestEvent['kind']> = {
    bash: 'command',
    edit: 'file-change',
    external_directory: 'other',
    doom_loop: 'other',
  };
  const subject = subjects[asked.permission] ?? patterns;
  return {
    type: 'permission-request',
    requestId: asked.tool?.callID ?? asked.id,
    kind: kinds[asked.permission] ?? 'tool',
    subject: truncate(`${asked.permission}: ${subject || '(unspecified)'}`),
    ...(text('description') ? { reason: text('description') } : {}),
    decision: approvals === 'accept' ? 'accepted' : 'declined',
  };
}

/** The `permission-request` event for a dismissed `question.asked`. */
export function questionRequestEvent(asked: OpencodeQuestionAsked): PermissionRequestEvent {
  const questions = (asked.questions ?? []).map((question) => question.question ?? '');
  return {
    type: 'permission-request',
    requestId: asked.id,
    kind: 'other',
    subject: truncate(`question: ${questions.filter(Boolean).join(' / ') || '(no text)'}`),
    decision: 'declined',
  };
}

function truncate(text: string): string {
  return text.length <= subjectLimit ? text : `${text.slice(0, subjectLimit)}…`;
}
