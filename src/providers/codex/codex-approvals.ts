import type { AgentEvent, AgentEventOf } from '../../events/index.js';
import type { ApprovalPolicy } from '../kit/provider-settings.js';
import type { CodexServerReply, CodexServerRequest } from './codex-app-server-client.js';
import {
  codexCommandApprovalSchema,
  codexElicitationSchema,
  codexFileChangeApprovalSchema,
  codexLegacyApprovalSchema,
  codexPermissionsApprovalSchema,
} from './codex-wire.js';

const subjectLimit = 300;

/**
 * The reply to a request the app-server sends us, decided at once so a run never waits:
 * approvals (`…/requestApproval`, the v1 `execCommandApproval`/`applyPatchApproval`, MCP
 * elicitations) by the configured policy; anything else (user input, dynamic tools, token
 * refresh…) with a JSON-RPC error that says we do not support it.
 */
export function answerCodexServerRequest(
  request: CodexServerRequest,
  approvals: ApprovalPolicy,
): CodexServerReply {
  const accept = approvals === 'accept';
  switch (request.method) {
    case 'item/commandExecution/requestApproval':
    case 'item/fileChange/requestApproval':
      return { result: { decision: accept ? 'accept' : 'decline' } };
    case 'item/permissions/requestApproval': {
      const params = codexPermissionsApprovalSchema.safeParse(request.params);
      const asked = params.success ? params.data.permissions : undefined;
      // Declining is granting nothing; accepting grants what was asked, for this turn only.
      const permissions = accept && asked ? withoutNulls(asked) : {};
      return { result: { permissions, scope: 'turn' } };
    }
    case 'execCommandApproval':
    case 'applyPatchApproval':
      return {
        result: {
          decision: accept
            ? 'approved'
            : { denied: { rejection: 'Declined by the subagent-mcp approval policy.' } },
        },
      };
    case 'mcpServer/elicitation/request':
      return { result: answerElicitation(request.params, accept) };
    default:
      if (request.method.endsWith('requestApproval')) {
        return { result: { decision: accept ? 'accept' : 'decline' } };
      }
      return {
        error: { code: -32601, message: `subagent-mcp does not support ${request.method}` },
      };
  }
}

// Only an elicitation that asks for no input can be accepted: we have nothing to fill in.
function answerElicitation(params: unknown, accept: boolean): Record<string, unknown> {
  const parsed = codexElicitationSchema.safeParse(params);
  const schema = parsed.success ? parsed.data.requestedSchema : undefined;
  const required = (schema as { required?: unknown } | null | undefined)?.required;
  const asksNothing =
    parsed.success &&
    parsed.data.mode !== 'url' &&
    (!Array.isArray(required) || required.length === 0);
  if (accept && asksNothing) return { action: 'accept', content: {}, _meta: null };
  return { action: 'decline', content: null, _meta: null };
}

function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field != null));
}

/** What the decoder knows of the item an approval concerns (its command or changed paths). */
export interface CodexApprovalContext {
  itemSubject(itemId: string): string | undefined;
}

/**
 * The event for a server request and the reply we sent: a `permission-request` for an
 * approval, a warning for a request we refused as unsupported.
 */
export function eventForServerRequest(
  request: CodexServerRequest,
  reply: CodexServerReply,
  context: CodexApprovalContext,
): AgentEvent {
  const description = describeApproval(request, context);
  if (description === undefined) {
    return {
      type: 'warning',
      message: `Codex asked for ${request.method}, which subagent-mcp does not support; it was refused.`,
    };
  }
  return {
    type: 'permission-request',
    requestId: description.requestId ?? String(request.id),
    kind: description.kind,
    subject: truncate(description.subject),
    ...(description.reason ? { reason: description.reason } : {}),
    decision: isAccepted(reply) ? 'accepted' : 'declined',
  };
}

interface ApprovalDescription {
  requestId?: string;
  kind: AgentEventOf<'permission-request'>['kind'];
  subject: string;
  reason?: string | null;
}

function describeApproval(
  request: CodexServerRequest,
  context: CodexApprovalContext,
): ApprovalDescription | undefined {
  switch (request.method) {
    case 'item/commandExecution/requestApproval': {
      const params = codexCommandApprovalSchema.catch({}).parse(request.params);
      const itemId = params.itemId;
      return {
        requestId: params.approvalId ?? itemId,
        kind: 'command',
        subject: params.command ?? (itemId && context.itemSubject(itemId)) ?? 'a command',
        reason: params.reason,
      };
    }
    case 'item/fileChange/requestApproval': {
      const params = codexFileChangeApprovalSchema.catch({}).parse(request.params);
      const itemId = params.itemId;
      const subject =
        (itemId && context.itemSubject(itemId)) ??
        (params.grantRoot ? `writes under ${params.grantRoot}` : 'a file change');
      return { requestId: itemId, kind: 'file-change', subject, reason: params.reason };
    }
    case 'item/permissions/requestApproval': {
      const params = codexPermissionsApprovalSchema.catch({}).parse(request.params);
      return {
        requestId: params.itemId,
        kind: 'other',
        subject: describePermissions(params.permissions),
        reason: params.reason,
      };
    }
    case 'execCommandApproval':
    case 'applyPatchApproval': {
      const params = codexLegacyApprovalSchema.catch({}).parse(request.params);
      const isCommand = request.method === 'execCommandApproval';
      return {
        requestId: params.callId,
        kind: isCommand ? 'command' : 'file-change',
        subject: isCommand
          ? (params.command ?? []).join(' ')
          : Object.keys(params.fileChanges ?? {}).join(', '),
        reason: params.reason,
      };
    }
    case 'mcpServer/elicitation/request': {
      const params = codexElicitationSchema.catch({}).parse(request.params);
      return {
        kind: 'tool',
        subject: [params.serverName, params.message].filter(Boolean).join(': ') || 'an MCP server',
      };
    }
    default:
      if (!request.method.endsWith('requestApproval')) return undefined;
      return { kind: 'other', subject: request.method };
  }
}

function describePermissions(
  permissions: { network?: unknown; fileSystem?: unknown } | null | undefined,
): string {
  const parts: string[] = [];
  const network = permissions?.network as { enabled?: boolean | null } | null | undefined;
  if (network?.enabled) parts.push('network access');
  const fileSystem = permissions?.fileSystem as
    { read?: string[] | null; write?: string[] | null } | null | undefined;
  if (fileSystem?.write?.length) parts.push(`write ${fileSystem.write.join(', ')}`);
  if (fileSystem?.read?.length) parts.push(`read ${fileSystem.read.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'additional permissions';
}

function isAccepted(reply: CodexServerReply): boolean {
  if (!('result' in reply)) return false;
  const result = (reply.result ?? {}) as Record<string, unknown>;
  if ('action' in result) return result.action === 'accept';
  if ('permissions' in result) {
    return Object.keys(result.permissions ?? {}).length > 0;
  }
  const decision = result.decision;
  const name = typeof decision === 'string' ? decision : Object.keys(decision ?? {})[0];
  return name !== undefined && /^(accept|approved)/.test(name);
}

function truncate(text: string): string {
  return text.length <= subjectLimit ? text : `${text.slice(0, subjectLimit)}…`;
}
