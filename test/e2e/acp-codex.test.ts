/**
 * The real codex-acp (2.6.0, driving its own `codex app-server` 0.166) as provider `acp:codex`, driven
 * through the built stdio server against the scripted model server's Responses dialect.
 */
import { expect } from 'vitest';
import { describeAcpAgent } from '../support/acp-scenarios.js';

describeAcpAgent({
  name: 'codex',
  dialect: 'openai-responses',
  reportsUsage: true,
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
