/**
 * Fuzzes every tool's input (the tools `tools/list` gives, so a tool added later is fuzzed
 * too) over ONE stdio connection to the built server: 10,000 generated argument objects per
 * tool (test/support/tool-input-arbitraries.ts), each made invalid in one way the server must
 * refuse. The server never dies; every answer is a bounded, well-formed CallToolResult
 * (isError, with a clear message: the SDK's validation error, or our refusal in the tool's
 * result shape) or a JSON-RPC error; nothing is spawned — every provider's binary is a wrapper
 * that records each start (test/support/spawn-recorder.ts) — and the server serves a real
 * run afterwards. docs/fuzzing.md says what it found.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { acpPresetNames } from '../../src/providers/acp/acp-settings.js';
import { builtInProviderDefinitions } from '../../src/providers/default-providers.js';
import { maxStdioMessageBytes } from '../../src/server/transports/stdio.js';
import type { z } from 'zod';
import {
  cancelAgentInputSchema,
  listProvidersResultSchema,
  resumeAgentInputSchema,
  runAgentInputSchema,
  runResultSchema,
  waitAgentInputSchema,
} from '../../src/server/tools/tool-schemas.js';
import { createSpawnRecorder, type SpawnRecorder } from '../support/spawn-recorder.js';
import {
  createAgentTestEnvironment,
  repositoryRoot,
  type AgentTestEnvironment,
  type StdioServerHandle,
} from '../support/stdio-server-harness.js';
import {
  fuzzCases,
  hasInvalidObjects,
  type FuzzCase,
  type ToolInputSchema,
} from '../support/tool-input-arbitraries.js';

/** Cases per tool: batches of calls in flight at once (the client pipelines them). */
const casesPerTool = 10_000;
const batchSize = 25;
/** Set FUZZ_SEED (printed with any failure) to replay a run. */
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** The project's own schemas: which arguments the SDK refuses, and the result shapes. */
const inputSchemas: Record<string, z.ZodType> = {
  run_agent: runAgentInputSchema,
  resume_agent: resumeAgentInputSchema,
  wait_agent: waitAgentInputSchema,
  cancel_agent: cancelAgentInputSchema,
};
const outputSchemas: Record<string, typeof runResultSchema | typeof listProvidersResultSchema> = {
  run_agent: runResultSchema,
  resume_agent: runResultSchema,
  wait_agent: runResultSchema,
  cancel_agent: runResultSchema,
  list_providers: listProvidersResultSchema,
};
/** The codes a call refused before anything ran may carry (no background run exists here). */
const refusalCodes = [
  'invalid_input',
  'unknown_provider',
  'unknown_session',
  'cwd_not_allowed',
  'no_background_run',
];
/** JSON-RPC errors a call may get: too large (-32600), invalid params (-32602), and -32603,
 * which the SDK 1.x answers for `arguments` that are not an object (a known limitation). */
const acceptedJsonRpcErrors = [-32600, -32602, -32603];
/** Longest answer to any refused call: a few messages, never the input echoed back. */
const maxAnswerCharacters = 8_000;

let environment: AgentTestEnvironment;
let recorder: SpawnRecorder;
let server: StdioServerHandle;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  const directory = join(environment.stateDir, '..', 'spawn-recorder');
  await mkdir(directory, { recursive: true });
  recorder = createSpawnRecorder({
    directory,
    // The one real CLI, for the valid run at the end; the other wrappers only record.
    passThrough: { 'claude-code': join(repositoryRoot, 'node_modules', '.bin', 'claude') },
  });
  server = await environment.startServer({ args: ['--config', recorder.configFile] });
});
afterAll(async () => {
  await environment?.close();
});

const knownProviders = [
  ...builtInProviderDefinitions.map((definition) => definition.id),
  ...acpPresetNames.map((name) => `acp:${name}`),
];

type Answer = { result: CallToolResult } | { error: McpError };

async function callTool(tool: string, fuzzCase: FuzzCase, withProgress: boolean): Promise<Answer> {
  try {
    const result = (await server.client.callTool(
      { name: tool, arguments: fuzzCase.args as Record<string, unknown> },
      undefined,
      { timeout: 60_000, ...(withProgress ? { onprogress: () => undefined } : {}) },
    )) as CallToolResult;
    return { result };
  } catch (error) {
    if (error instanceof McpError) return { error };
    throw error;
  }
}

/** The arguments as the server reads them (NaN and -0 do not survive JSON, for one). */
const onTheWire = (args: unknown): { json: string; value: unknown } => {
  const json = JSON.stringify(args) ?? 'null';
  return { json, value: JSON.parse(json) as unknown };
};

function expectWellFormedAnswer(tool: string, fuzzCase: FuzzCase, answer: Answer): void {
  const sent = onTheWire(fuzzCase.args);
  const bytes = Buffer.byteLength(sent.json);
  const label = `${tool} with ${fuzzCase.change}`;
  if ('error' in answer) {
    // Connection closed (-32000) or a timeout (-32001) would mean the server died or hung.
    expect(acceptedJsonRpcErrors, `${label}: ${answer.error.message}`).toContain(answer.error.code);
    if (answer.error.code === -32600) {
      expect(bytes, label).toBeGreaterThan(maxStdioMessageBytes - 1_000);
      expect(answer.error.message).toMatch(/^MCP error -32600: Message too large: [\d,]+ bytes/);
    }
    if (answer.error.code === -32603)
      expect(fuzzCase.change, label).toBe('arguments not an object');
    expect(answer.error.message.length, label).toBeLessThan(maxAnswerCharacters);
    return;
  }
  expect(bytes, `${label}: a message over the limit was read`).toBeLessThan(maxStdioMessageBytes);
  const { result } = answer;
  expect(JSON.stringify(result).length, label).toBeLessThan(maxAnswerCharacters);
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  expect(text.length, label).toBeGreaterThan(0);
  if (fuzzCase.change.startsWith('none')) {
    // A tool that takes no arguments ignores unknown keys: a valid call, in its own shape.
    expect(result.isError, `${label}: ${text}`).toBeFalsy();
    expect(outputSchemas[tool]?.safeParse(result.structuredContent).success ?? true).toBe(true);
    return;
  }
  expect(result.isError, `${label}: ${text}`).toBe(true);
  const isSchemaValid = inputSchemas[tool]?.safeParse(sent.value).success;
  if (result.structuredContent === undefined) {
    // The SDK refused it against the tool's input schema.
    expect(isSchemaValid, `${label}: ${text}`).not.toBe(true);
    expect(text).toMatch(
      new RegExp(
        `^MCP error -32602: Input validation error: Invalid arguments for tool ${tool}: \\S`,
      ),
    );
    return;
  }
  // Our refusal after the schema, in the tool's result shape.
  expect(isSchemaValid, `${label}: ${text}`).not.toBe(false);
  const structured = outputSchemas[tool]!.parse(result.structuredContent) as {
    status: string;
    text: string;
    error?: { code: string; message: string };
  };
  expect(structured.status).toBe('failed');
  expect(refusalCodes, `${label}: ${text}`).toContain(structured.error?.code);
  expect(structured.text).toBe(structured.error?.message);
  expect(text.startsWith(structured.error!.message)).toBe(true);
}

describe('fuzzed tool inputs over one stdio connection', () => {
  it(`answers ${casesPerTool.toLocaleString('en-US')} generated arguments per tool, spawns nothing for invalid ones, and still serves`, async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['run_agent', 'resume_agent', 'list_providers']),
    );
    const context = { root: environment.root, knownProviders };
    const seconds: Record<string, number> = {};
    const counts: Record<string, number> = {};
    for (const tool of tools) {
      const schema = tool.inputSchema as ToolInputSchema;
      // A tool whose object arguments can be invalid must spawn nothing at all.
      const spawnsBefore = recorder.spawns().length;
      const mustSpawnNothing = hasInvalidObjects(schema);
      counts[tool.name] = 0;
      const toolStarted = Date.now();
      const batch = fc.array(fc.tuple(fuzzCases(schema, context), fc.boolean()), {
        minLength: batchSize,
        maxLength: batchSize,
      });
      await fc.assert(
        fc.asyncProperty(batch, async (cases) => {
          const answers = await Promise.all(
            cases.map(([fuzzCase, withProgress]) => callTool(tool.name, fuzzCase, withProgress)),
          );
          cases.forEach(([fuzzCase], index) =>
            expectWellFormedAnswer(tool.name, fuzzCase, answers[index]!),
          );
          counts[tool.name]! += cases.length;
          if (mustSpawnNothing) expect(recorder.spawns().slice(spawnsBefore)).toEqual([]);
        }),
        { numRuns: casesPerTool / batchSize, ...(seed === undefined ? {} : { seed }) },
      );
      expect(counts[tool.name]).toBe(casesPerTool);
      seconds[tool.name] = Math.round((Date.now() - toolStarted) / 100) / 10;
    }
    process.stderr.write(
      `tool-input fuzz: cases ${JSON.stringify(counts)}, seconds ${JSON.stringify(seconds)}, ` +
        `${recorder.spawns().length} spawns (list_providers probes): ${recorder.spawns().slice(0, 12).join(' | ')}\n`,
    );
    expect(environment.leftoverProcesses()).toEqual([]);
    const spawnsAfterFuzz = recorder.spawns();

    // Still serving: the providers are listed and a real run completes…
    const providers = await server.client.callTool({ name: 'list_providers', arguments: {} });
    const listed = listProvidersResultSchema.parse(providers.structuredContent);
    expect(listed.providers.map((provider) => provider.id)).toEqual(knownProviders);
    const run = await server.client.callTool(
      { name: 'run_agent', arguments: { prompt: 'Say hello', model: 'mock-model' } },
      undefined,
      { timeout: 90_000 },
    );
    expect(run.isError, JSON.stringify(run.content)).toBeUndefined();
    expect(run.structuredContent).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      provider: 'claude-code',
    });
    // …through the recording wrapper, which proves the recorder sees a real spawn.
    expect(
      recorder
        .spawns()
        .slice(spawnsAfterFuzz.length)
        .some((line) => line.startsWith('claude-code ')),
    ).toBe(true);
  }, 240_000);
});
