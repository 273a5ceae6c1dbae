/**
 * What the input fuzzing (test/e2e/tool-input-fuzz.test.ts) found, pinned down: a NUL
 * character is refused before any provider runs, and an error that quotes the input stays
 * small however large the input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderRunRequest } from '../../src/providers/agent-provider.js';
import {
  createScriptedProvider,
  type ScriptedProvider,
  type ScriptStep,
} from '../support/scripted-provider.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';

const quick = (request: ProviderRunRequest): ScriptStep[] => [
  { type: 'run-start', provider: 'scripted', nativeSessionId: 'native-1', cwd: request.cwd },
  { type: 'run-end', status: 'completed', text: 'done', finishReason: { unified: 'stop' } },
];

type Structured = { status: string; text: string; error?: { code: string; message: string } };

let server: InMemoryServer;
let provider: ScriptedProvider;
beforeAll(async () => {
  provider = createScriptedProvider(quick);
  server = await startInMemoryServer({ providers: [provider] });
});
afterAll(async () => {
  await server?.close();
});

const call = async (name: string, args: Record<string, unknown>) => {
  const result = await server.client.callTool({ name, arguments: args });
  return {
    isError: result.isError,
    structured: result.structuredContent as Structured,
    size: JSON.stringify(result).length,
  };
};

describe('a NUL character in the text of a run', () => {
  it.each([
    ['prompt', 'run_agent', { prompt: 'say\u0000hi' }],
    ['model', 'run_agent', { prompt: 'x', model: 'mock\u0000model' }],
    ['instructions', 'run_agent', { prompt: 'x', instructions: 'be\u0000brief' }],
    ['cwd', 'run_agent', { prompt: 'x', cwd: '/tmp\u0000' }],
    ['prompt', 'resume_agent', { session_id: 'sa_AAAAAAAAAAAAAAAAAAAAAA', prompt: 'a\u0000' }],
    [
      'model',
      'resume_agent',
      { session_id: 'sa_AAAAAAAAAAAAAAAAAAAAAA', prompt: 'a', model: '\u0000' },
    ],
  ])('in %s of %s is invalid_input, and nothing runs', async (field, tool, args) => {
    const before = provider.requests.length;
    const { isError, structured } = await call(tool, args);
    expect(isError).toBe(true);
    expect(structured.error?.code).toBe('invalid_input');
    expect(structured.error?.message).toMatch(
      new RegExp(
        `^${field} must not contain a NUL character \\(\\\\u0000, found at character \\d+\\)`,
      ),
    );
    expect(provider.requests.length).toBe(before);
  });

  it('is told with its position and the value escaped, cut when long', async () => {
    const { structured } = await call('run_agent', { prompt: `${'p'.repeat(500_000)}\u0000` });
    expect(structured.error?.message).toContain('found at character 500000');
    expect(structured.error?.message).toContain('…" (500,001 characters)');
  });
});

describe('an error quoting a huge input stays small', () => {
  const huge = (prefix: string) => `${prefix}${'z'.repeat(4_000_000)}`;
  it.each([
    ['an unknown provider', 'run_agent', { prompt: 'x', provider: huge('p') }, 'unknown_provider'],
    ['a relative cwd', 'run_agent', { prompt: 'x', cwd: huge('rel/') }, 'invalid_input'],
    ['a missing cwd', 'run_agent', { prompt: 'x', cwd: huge('/no/') }, 'invalid_input'],
    [
      'an unknown session',
      'resume_agent',
      { session_id: huge('s'), prompt: 'x' },
      'unknown_session',
    ],
  ])('%s', async (_label, tool, args, code) => {
    const { structured, size } = await call(tool, args);
    expect(structured.error?.code).toBe(code);
    expect(structured.error?.message).toContain('(4,000,00');
    expect(size).toBeLessThan(3_000);
  });

  it('the server still runs a valid call afterwards', async () => {
    expect((await call('run_agent', { prompt: 'still there?' })).structured.status).toBe(
      'completed',
    );
  });
});
