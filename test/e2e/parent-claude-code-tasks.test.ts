/**
 * The real Claude Code INTERACTIVE (its terminal UI, in a pseudo-terminal) as the parent of a
 * stdio MCP server that speaks protocol 2026-07-28 and the Tasks extension
 * (`io.modelcontextprotocol/tasks`): only the interactive CLI offers Tasks (docs/clients.md).
 * The scripted model makes the parent call the tool; every JSON-RPC line both ways is read from
 * the traffic proxy's log, every model request from the scripted model server. Proved:
 * - the era: `server/discover` answered, no `initialize`; a task-augmented `tools/call` answered
 *   with a task (`resultType: "task"`, `status: "working"`);
 * - the parent's turn goes on while the task runs: its model gets the "moved to the background"
 *   tool result and ends the turn while `tasks/get` still answers `working` and the child is
 *   still talking to its model;
 * - the result reaches the parent: after `completed`, a new turn whose model request carries the
 *   task's result, and the parent's answer to it in its session transcript;
 * - with `CLAUDE_CODE_DISABLE_MCP_TASKS=1` the same call is answered inline, no task;
 * - nothing is left running afterwards (the terminal UI, our server, the child agent).
 *
 * Server under test: our built server (`dist/cli.js`) as the parent's `subagents` MCP server;
 * the parent calls `run_agent` with a claude-code child whose scripted model streams its answer
 * slowly (`[[mock:slow=<ms>]]`), so the task is still working when the parent's turn has ended.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  serverLaunch,
  waitForNoLeftovers,
  type ServerLaunch,
} from '../support/parent-agent-harness.js';
import {
  answerTo,
  startInteractiveClaude,
  type InteractiveClaude,
  type TrafficLine,
} from '../support/interactive-claude.js';
import { callDirectives, type RecordedRequest } from '../support/scripted-model-server/index.js';
import {
  createAgentTestEnvironment,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

const tasksExtension = 'io.modelcontextprotocol/tasks';
const movedToBackground = 'moved to the background';

interface Target {
  launch: ServerLaunch;
  tool: string;
  args: Record<string, unknown>;
  /** What the task's result says (the child's answer). */
  answer: string;
  /** The directives of the child's model request, as the model server records them. */
  childDirective: string;
}

/** run_agent of our server, its claude-code child a few seconds slow (pauses between events). */
function target(environment: AgentTestEnvironment): Target {
  return {
    launch: serverLaunch(environment),
    tool: 'run_agent',
    args: { prompt: 'child says quince [[mock:slow=400]]' },
    answer: 'Echo: child says quince',
    childDirective: 'slow=400',
  };
}

let environment: AgentTestEnvironment;
let claude: InteractiveClaude | undefined;
let runs = 0;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
});
afterEach(async () => {
  const forced = (await claude?.stop()) ?? [];
  claude = undefined;
  expect(forced, 'processes of the terminal session still running after SIGTERM').toEqual([]);
  expect(await waitForNoLeftovers(environment)).toEqual([]);
});
afterAll(async () => {
  await environment?.close();
});

async function startParent(server: Target, settings: Record<string, string> = {}) {
  runs += 1;
  const directory = join(dirname(environment.root), `interactive-claude-${runs}`);
  claude = await startInteractiveClaude(environment, {
    directory,
    server: server.launch,
    allowedTools: [`mcp__subagents__${server.tool}`],
    environment: settings,
  });
  const since = Date.now();
  await claude.type(`Delegate this. ${callDirectives(server.tool, server.args)}`);
  return { claude, directory, since };
}

describe('interactive claude-code as the parent of a server with the Tasks extension', () => {
  it('runs the call as a task: the turn ends at once and the result comes back in a new turn', async () => {
    const server = target(environment);
    const { claude, directory, since } = await startParent(server);
    const traffic = () => claude.traffic();

    const call = await claude.waitFor('tools/call', () => toolCall(traffic(), server.tool));
    const answer = await claude.waitFor('tools/call answer', () => answerTo(traffic(), call.id));
    const task = answer.message['result'] as Record<string, unknown>;
    expect(task, claude.diagnostics()).toMatchObject({ resultType: 'task', status: 'working' });
    const taskId = task['taskId'];
    const completed = await claude.waitFor(
      'tasks/get answered completed',
      () => taskAnswers(traffic(), taskId).find((line) => taskStatus(line) === 'completed'),
      30_000,
    );
    const notified = await claude.waitFor(
      'the model request of the turn the task result started',
      () =>
        parentRequests(since, server.tool).find((request) =>
          hasTaskNotification(request, server.answer),
        ),
      30_000,
    );
    await claude.waitFor('the parent answer in its transcript', () =>
      transcriptTexts(directory).some(
        (text) => text.startsWith('Tool result received: ') && text.includes(server.answer),
      ),
    );
    const lines = traffic();

    // The 2026-07-28 era, and the call offered as a task.
    const fromClient = lines.filter((line) => line.direction === 'client->server');
    expect(fromClient[0]?.message['method']).toBe('server/discover');
    const discovered = answerTo(lines, fromClient[0]?.message['id'])?.message['result'] as
      { supportedVersions?: unknown } | undefined;
    expect(discovered?.supportedVersions).toContain('2026-07-28');
    expect(fromClient.map((line) => line.message['method'])).not.toContain('initialize');
    expect(call.meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
    expect(call.meta['io.modelcontextprotocol/clientCapabilities']).toMatchObject({
      extensions: { [tasksExtension]: {} },
    });

    // The turn went on: the model had the "moved to the background" tool result and ended the
    // turn while the task was still working, seen by a later tasks/get.
    const requests = parentRequests(since, server.tool);
    const backgrounded = requests.find((request) =>
      lastToolResult(request).includes(movedToBackground),
    );
    expect(backgrounded, claude.diagnostics()).toBeDefined();
    expect(backgrounded?.reply).toBe('text');
    expect(backgrounded!.receivedAt).toBeLessThan(completed.at);
    const stillWorking = taskAnswers(lines, taskId).filter(
      (line) => taskStatus(line) === 'working' && line.at > backgrounded!.receivedAt,
    );
    expect(stillWorking.length).toBeGreaterThan(0);
    // The child ran meanwhile: its slow model request came in before `completed`.
    const child = environment.model.requests.find(
      (request) => request.receivedAt >= since && request.directive === server.childDirective,
    );
    expect(child?.receivedAt).toBeLessThan(completed.at);

    // The result reached the parent: a new turn after `completed`, and the parent's answer.
    const taskResult = (completed.message['result'] as { result?: unknown }).result;
    expect(firstText(taskResult)).toContain(server.answer);
    expect(notified.receivedAt).toBeGreaterThanOrEqual(completed.at);
    expect(notified.reply).toBe('text');
    expect(requests.map((request) => request.reply)).toEqual(['tool_use', 'text', 'text']);
  });

  it('answers the call inline when Claude Code has Tasks off (CLAUDE_CODE_DISABLE_MCP_TASKS=1)', async () => {
    const server = target(environment);
    const { claude, since } = await startParent(server, { CLAUDE_CODE_DISABLE_MCP_TASKS: '1' });
    const traffic = () => claude.traffic();

    const call = await claude.waitFor('tools/call', () => toolCall(traffic(), server.tool));
    const answer = await claude.waitFor('tools/call answer', () => answerTo(traffic(), call.id));
    const acknowledged = await claude.waitFor('the model request with the tool result', () =>
      parentRequests(since, server.tool).find((request) =>
        lastToolResult(request).includes(server.answer),
      ),
    );

    expect(call.meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
    const capabilities = call.meta['io.modelcontextprotocol/clientCapabilities'] as
      { extensions?: Record<string, unknown> } | undefined;
    expect(capabilities?.extensions?.[tasksExtension]).toBeUndefined();
    expect(answer.message['result']).not.toHaveProperty('taskId');
    expect(firstText(answer.message['result'])).toContain(server.answer);
    expect(acknowledged.reply).toBe('text');
    const methods = traffic().map((line) => line.message['method']);
    expect(methods).not.toContain('tasks/get');
  });
});

/** The first `tools/call` of `tool`, with its id and `_meta`. */
function toolCall(lines: TrafficLine[], tool: string) {
  const line = lines.find(
    (candidate) =>
      candidate.direction === 'client->server' &&
      candidate.message['method'] === 'tools/call' &&
      (candidate.message['params'] as { name?: unknown } | undefined)?.name === tool,
  );
  if (!line) return undefined;
  const params = line.message['params'] as { _meta?: Record<string, unknown> };
  return { id: line.message['id'], meta: params._meta ?? {} };
}

/** The text of a tool result's first content block. */
function firstText(toolResult: unknown): string | undefined {
  return (toolResult as { content?: { text?: string }[] } | undefined)?.content?.[0]?.text;
}

/** The answers to `tasks/get` for this task, in order. */
function taskAnswers(lines: TrafficLine[], taskId: unknown): TrafficLine[] {
  return lines
    .filter(
      (line) =>
        line.direction === 'client->server' &&
        line.message['method'] === 'tasks/get' &&
        (line.message['params'] as { taskId?: unknown }).taskId === taskId,
    )
    .flatMap((request) => answerTo(lines, request.message['id']) ?? []);
}

function taskStatus(line: TrafficLine): unknown {
  return (line.message['result'] as { status?: unknown } | undefined)?.status;
}

/**
 * The parent's main-turn requests since `since`: those offering our tool (side requests offer
 * no tools; the child's requests, to the same model server, do not offer ours).
 */
function parentRequests(since: number, tool: string): RecordedRequest[] {
  return environment.model.requests.filter((request) => {
    const body = request.body as { tools?: { name?: unknown }[] } | undefined;
    const offered = (body?.tools ?? []).map((offer) => offer.name);
    return request.receivedAt >= since && offered.includes(`mcp__subagents__${tool}`);
  });
}

function lastMessage(request: RecordedRequest): string {
  const messages = (request.body as { messages?: unknown[] } | undefined)?.messages ?? [];
  return JSON.stringify(messages.at(-1) ?? null);
}

function lastToolResult(request: RecordedRequest): string {
  const message = lastMessage(request);
  return message.includes('"tool_result"') ? message : '';
}

function hasTaskNotification(request: RecordedRequest, text: string): boolean {
  const message = lastMessage(request);
  return message.includes('<task-notification>') && message.includes(text);
}

/** The assistant texts of the parent's session transcripts (CLAUDE_CONFIG_DIR/projects). */
function transcriptTexts(directory: string): string[] {
  const projects = join(directory, 'claude-config', 'projects');
  let files: string[];
  try {
    files = readdirSync(projects, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return files
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readFileSync(join(projects, file), 'utf8').split('\n'))
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as {
          type?: string;
          message?: { content?: { type?: string; text?: string }[] };
        };
        if (entry.type !== 'assistant') return [];
        return (entry.message?.content ?? []).flatMap((block) =>
          block.type === 'text' && typeof block.text === 'string' ? [block.text] : [],
        );
      } catch {
        return [];
      }
    });
}
