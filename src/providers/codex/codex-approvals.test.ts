import { describe, expect, it } from 'vitest';
import { answerCodexServerRequest, eventForServerRequest } from './codex-approvals.js';

const request = (method: string, params: unknown = {}) => ({ id: 4, method, params });
const noItems = { itemSubject: () => undefined };

describe('answerCodexServerRequest', () => {
  it('answers command and file-change approvals by the policy', () => {
    for (const method of [
      'item/commandExecution/requestApproval',
      'item/fileChange/requestApproval',
    ]) {
      expect(answerCodexServerRequest(request(method), 'decline')).toEqual({
        result: { decision: 'decline' },
      });
      expect(answerCodexServerRequest(request(method), 'accept')).toEqual({
        result: { decision: 'accept' },
      });
    }
  });

  it('grants asked permissions for the turn only when accepting, and nothing otherwise', () => {
    const asked = request('item/permissions/requestApproval', {
      itemId: 'c1',
      permissions: { network: { enabled: true }, fileSystem: null },
    });
    expect(answerCodexServerRequest(asked, 'accept')).toEqual({
      result: { permissions: { network: { enabled: true } }, scope: 'turn' },
    });
    expect(answerCodexServerRequest(asked, 'decline')).toEqual({
      result: { permissions: {}, scope: 'turn' },
    });
  });

  it('answers the v1 approvals with their own decisions', () => {
    expect(answerCodexServerRequest(request('execCommandApproval'), 'accept')).toEqual({
      result: { decision: 'approved' },
    });
    expect(answerCodexServerRequest(request('applyPatchApproval'), 'decline')).toEqual({
      result: {
        decision: { denied: { rejection: 'Declined by the subagent-mcp approval policy.' } },
      },
    });
  });

  it('accepts an MCP elicitation only when it asks for no input', () => {
    const confirm = request('mcpServer/elicitation/request', {
      serverName: 'docs',
      mode: 'form',
      message: 'Allow the tool call?',
      requestedSchema: { type: 'object', properties: {} },
    });
    const form = request('mcpServer/elicitation/request', {
      mode: 'form',
      requestedSchema: { type: 'object', properties: { name: {} }, required: ['name'] },
    });
    expect(answerCodexServerRequest(confirm, 'accept')).toEqual({
      result: { action: 'accept', content: {}, _meta: null },
    });
    expect(answerCodexServerRequest(confirm, 'decline')).toEqual({
      result: { action: 'decline', content: null, _meta: null },
    });
    expect(answerCodexServerRequest(form, 'accept')).toMatchObject({
      result: { action: 'decline' },
    });
  });

  it('answers a future approval method by the policy too', () => {
    expect(answerCodexServerRequest(request('item/newThing/requestApproval'), 'accept')).toEqual({
      result: { decision: 'accept' },
    });
  });

  it('refuses what it cannot answer with a method-not-found error', () => {
    for (const method of [
      'item/tool/requestUserInput',
      'item/tool/call',
      'account/chatgptAuthTokens/refresh',
      'attestation/generate',
    ]) {
      expect(answerCodexServerRequest(request(method), 'accept')).toEqual({
        error: { code: -32601, message: `subagent-mcp does not support ${method}` },
      });
    }
  });
});

describe('eventForServerRequest', () => {
  it('describes a command approval with the command, the reason and our decision', () => {
    const asked = request('item/commandExecution/requestApproval', {
      itemId: 'call_1',
      command: "/bin/bash -c 'touch x'",
      reason: 'needs to write outside the sandbox',
    });
    expect(eventForServerRequest(asked, { result: { decision: 'decline' } }, noItems)).toEqual({
      type: 'permission-request',
      requestId: 'call_1',
      kind: 'command',
      subject: "/bin/bash -c 'touch x'",
      reason: 'needs to write outside the sandbox',
      decision: 'declined',
    });
  });

  it('names the paths of a file change from the item it concerns', () => {
    const asked = request('item/fileChange/requestApproval', { itemId: 'call_2', reason: null });
    const event = eventForServerRequest(
      asked,
      { result: { decision: 'accept' } },
      { itemSubject: (itemId) => (itemId === 'call_2' ? '/w/a.txt, /w/b.txt' : undefined) },
    );
    expect(event).toEqual({
      type: 'permission-request',
      requestId: 'call_2',
      kind: 'file-change',
      subject: '/w/a.txt, /w/b.txt',
      decision: 'accepted',
    });
  });

  it('reads the decision of every reply shape', () => {
    const permissions = request('item/permissions/requestApproval', {
      itemId: 'c',
      permissions: { network: { enabled: true }, fileSystem: { read: null, write: ['/etc'] } },
    });
    expect(
      eventForServerRequest(
        permissions,
        { result: { permissions: { network: { enabled: true } }, scope: 'turn' } },
        noItems,
      ),
    ).toMatchObject({
      kind: 'other',
      subject: 'network access; write /etc',
      decision: 'accepted',
    });
    expect(
      eventForServerRequest(
        request('execCommandApproval', { callId: 'c', command: ['rm', '-rf', 'build'] }),
        { result: { decision: { denied: { rejection: 'no' } } } },
        noItems,
      ),
    ).toMatchObject({ kind: 'command', subject: 'rm -rf build', decision: 'declined' });
    expect(
      eventForServerRequest(
        request('mcpServer/elicitation/request', { serverName: 'docs', message: 'Allow?' }),
        { result: { action: 'accept', content: {} } },
        noItems,
      ),
    ).toMatchObject({ kind: 'tool', subject: 'docs: Allow?', decision: 'accepted' });
  });

  it('turns a refused request into a warning', () => {
    expect(
      eventForServerRequest(
        request('item/tool/requestUserInput'),
        { error: { code: -32601, message: 'no' } },
        noItems,
      ),
    ).toEqual({
      type: 'warning',
      message:
        'Codex asked for item/tool/requestUserInput, which subagent-mcp does not support; it was refused.',
    });
  });
});
