/**
 * The Tasks extension's methods over background runs of the real RunService (scripted
 * provider): a task is answered at once, `tasks/get` follows the run to its result, and
 * `tasks/cancel` ends a run that would never end by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderRunRequest } from '../../src/providers/agent-provider.js';
import {
  clientAcceptsTasks,
  createRunBackgroundRuns,
  createTasksExtension,
  invalidParamsCode,
  TaskProtocolError,
  type TasksExtension,
  type TaskView,
} from '../../src/server/tasks/index.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';
import { createScriptedProvider, type ScriptStep } from '../support/scripted-provider.js';

const script = (request: ProviderRunRequest): ScriptStep[] => {
  const start: ScriptStep = {
    type: 'run-start',
    provider: 'scripted',
    nativeSessionId: 'native-1',
    cwd: request.cwd,
  };
  if (request.prompt === 'never ends') {
    return [start, { type: 'text-delta', delta: 'Working' }, { waitForAbort: true }];
  }
  const end: ScriptStep = {
    type: 'run-end',
    status: 'completed',
    text: `answered: ${request.prompt}`,
    finishReason: { unified: 'stop' },
  };
  return [start, end];
};

let server: InMemoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<TasksExtension> {
  server = await startInMemoryServer({ providers: [createScriptedProvider(script)] });
  return createTasksExtension(createRunBackgroundRuns(server.runs, server.config), {
    pollIntervalMs: 10,
  });
}

async function pollUntilDone(
  tasks: TasksExtension,
  taskId: string,
  owner?: string,
): Promise<TaskView> {
  for (;;) {
    const task = tasks.getTask(taskId, owner);
    if (task.status !== 'working') return task;
    await new Promise((resolve) => setTimeout(resolve, task.pollIntervalMs));
  }
}

describe('the Tasks extension over background runs', () => {
  it('answers run_agent with a working task whose tasks/get ends with the tool result', async () => {
    const tasks = await start();
    const created = await tasks.createTask({ tool: 'run_agent', input: { prompt: 'hello' } });
    expect(created).toMatchObject({
      resultType: 'task',
      status: 'working',
      ttlMs: null,
      pollIntervalMs: 10,
    });
    expect(created.createdAt).toBe(created.lastUpdatedAt);

    const done = await pollUntilDone(tasks, created.taskId);
    expect(done.status).toBe('completed');
    expect(done.result?.isError).toBeFalsy();
    expect(done.result?.structuredContent).toMatchObject({
      status: 'completed',
      text: 'answered: hello',
      provider: 'scripted',
    });
  });

  it('completes a refused call with its isError result (a tool error is not a failed task)', async () => {
    const tasks = await start();
    const created = await tasks.createTask({ tool: 'run_agent', input: { prompt: '   ' } });
    const done = await pollUntilDone(tasks, created.taskId);
    expect(done.status).toBe('completed');
    expect(done.result?.isError).toBe(true);
    expect(done.result?.structuredContent).toMatchObject({
      error: { code: 'invalid_input' },
    });
  });

  it('cancels a running task: acknowledged at once, cancelled once the run ended', async () => {
    const tasks = await start();
    const created = await tasks.createTask({ tool: 'run_agent', input: { prompt: 'never ends' } });
    expect(await tasks.cancelTask(created.taskId)).toEqual({});
    const done = await pollUntilDone(tasks, created.taskId);
    expect(done.status).toBe('cancelled');
    expect(done.result).toBeUndefined();
    expect(server?.runs.activeRuns).toBe(0);
  });

  it('answers an unknown task id with invalid params on get, cancel and update', async () => {
    const tasks = await start();
    const unknown = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        return error instanceof TaskProtocolError ? error.code : 'other';
      }
      return 'no error';
    };
    expect(unknown(() => tasks.getTask('nope'))).toBe(invalidParamsCode);
    expect(unknown(() => tasks.updateTask('nope'))).toBe(invalidParamsCode);
    await expect(tasks.cancelTask('nope')).rejects.toMatchObject({ code: invalidParamsCode });
  });
});

describe('tasks of different callers (HTTP bearer tokens)', () => {
  it('are unknown to every caller but the one that created them', async () => {
    const tasks = await start();
    const created = await tasks.createTask({ tool: 'run_agent', input: { prompt: 'mine' } }, 'a');
    expect(() => tasks.getTask(created.taskId, 'b')).toThrow(TaskProtocolError);
    expect(() => tasks.getTask(created.taskId)).toThrow(TaskProtocolError);
    await expect(tasks.cancelTask(created.taskId, 'b')).rejects.toMatchObject({
      code: invalidParamsCode,
    });
    const done = await pollUntilDone(tasks, created.taskId, 'a');
    expect(done.status).toBe('completed');
  });
});

describe('clientAcceptsTasks', () => {
  it.each([
    [{ extensions: { 'io.modelcontextprotocol/tasks': {} } }, true],
    [{ roots: { listChanged: true }, elicitation: { form: {} } }, false],
    [{ extensions: {} }, false],
    [undefined, false],
    ['tasks', false],
  ])('%j → %s', (capabilities, expected) => {
    expect(clientAcceptsTasks(capabilities)).toBe(expected);
  });
});
