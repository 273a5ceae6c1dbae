/**
 * The real `gemini --acp` (Gemini CLI 0.61.0) as provider `acp:gemini`, driven through the built
 * stdio server against the scripted model server's Gemini dialect.
 */
import { expect } from 'vitest';
import { describeAcpAgent } from '../support/acp-scenarios.js';

describeAcpAgent({
  name: 'gemini',
  dialect: 'gemini',
  askingDirective: 'tool',
  reportsUsage: true,
  keepsSessionCancelledInFirstTurn: false,
  outsideWrite: 'agent-refuses',
  modelError: {
    status: 400,
    expect: ({ isError, structured }) => {
      expect(isError).toBe(true);
      expect(structured).toMatchObject({ status: 'failed', error: { code: 'upstream_error' } });
      expect(structured.error!.message).toMatch(/Scripted 400/);
    },
  },
});
