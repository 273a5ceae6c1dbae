/**
 * The real codex-acp (2.6.0, driving its own `codex app-server` 0.166) as provider `acp:codex`, driven
 * through the built stdio server against the scripted model server's Responses dialect.
 */
import { expect } from 'vitest';
import { describeAcpAgent } from '../support/acp-scenarios.js';

describeAcpAgent({
  name: 'codex',
  dialect: 'openai-responses',
  askingDirective: 'escalate',
  reportsUsage: true,
  keepsSessionCancelledInFirstTurn: true,
  outsideWrite: 'permission-declined',
  modelError: {
    status: 400,
    // codex-acp 2.6.0 answers a model error as the turn's text and ends it `end_turn`.
    expect: ({ structured }) => {
      expect(structured.status).toBe('completed');
      expect(structured.text).toMatch(/Scripted 400/);
    },
  },
});
