/**
 * The real `opencode acp` (opencode 1.18.33) as provider `acp:opencode`, driven through the built
 * stdio server against the scripted model server's Chat Completions dialect.
 */
import { expect } from 'vitest';
import { describeAcpAgent } from '../support/acp-scenarios.js';

describeAcpAgent({
  name: 'opencode',
  dialect: 'openai-chat',
  askingDirective: 'tool',
  reportsUsage: true,
  keepsSessionCancelledInFirstTurn: true,
  outsideWrite: 'permission-declined',
  modelError: {
    status: 401,
    expect: ({ isError, structured }) => {
      expect(isError).toBe(true);
      expect(structured.status).toBe('failed');
      expect(structured.error!.message).toMatch(/Scripted 401/);
    },
  },
});
