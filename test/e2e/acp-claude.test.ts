/**
 * The real claude-agent-acp (0.101.0, bundling Claude Code) as provider `acp:claude`, driven
 * through the built stdio server against the scripted model server's Anthropic dialect.
 */
import { expect } from 'vitest';
import { describeAcpAgent } from '../support/acp-scenarios.js';

describeAcpAgent({
  name: 'claude',
  dialect: 'anthropic',
  askingDirective: 'tool',
  reportsUsage: true,
  keepsSessionCancelledInFirstTurn: true,
  outsideWrite: 'permission-declined',
  modelError: {
    status: 400,
    expect: ({ isError, structured }) => {
      expect(isError).toBe(true);
      expect(structured.status).toBe('failed');
      expect(structured.error!.message).toMatch(/Scripted 400/);
    },
  },
});
