#!/usr/bin/env node
/**
 * Records what the real agent CLIs say, for the decoder tests:
 *   npm run build && node scripts/record-transcript.mjs [claude-code] [scenario…]
 *   npm run build && node scripts/record-transcript.mjs codex [scenario…]
 *   npm run build && node scripts/record-transcript.mjs opencode [scenario…]
 *   npm run build && node scripts/record-transcript.mjs gemini [scenario…]
 * Each scenario runs the installed CLI against the scripted model server on 127.0.0.1, with
 * what our adapter builds (from build/) and isolated config, home and temp folders.
 *
 * Claude Code writes
 *   src/providers/claude-code/__fixtures__/<scenario>.jsonl      stdout, one line per line
 *   src/providers/claude-code/__fixtures__/<scenario>.meta.json  argv, exit, stderr, version
 * Codex (`codex app-server`) writes
 *   src/providers/codex/__fixtures__/<scenario>.jsonl      every JSON-RPC line sent and received,
 *                                                          as {"direction","message"} ({"line"}
 *                                                          when it was not JSON)
 *   src/providers/codex/__fixtures__/<scenario>.meta.json  argv, exit, stderr, version
 * opencode (`opencode serve`, driven by the provider itself) writes
 *   src/providers/opencode/__fixtures__/<scenario>.jsonl      the run's HTTP exchanges
 *                                                             ({"kind":"http",…}) and its /event
 *                                                             payloads ({"kind":"sse","event"})
 *   src/providers/opencode/__fixtures__/<scenario>.meta.json  session, outcome, version, events
 * Gemini CLI writes
 *   src/providers/gemini/__fixtures__/<scenario>.jsonl      stdout, one line per line
 *   src/providers/gemini/__fixtures__/<scenario>.meta.json  argv, exit, stderr, version
 * an ACP agent (`acp-opencode`, `acp-claude`, `acp-codex`, `acp-gemini`: the acp:<name> preset,
 * driven by the provider itself) writes
 *   src/providers/acp/__fixtures__/<name>-<scenario>.jsonl      every JSON-RPC message sent and
 *                                                               received ({"direction","message"})
 *   src/providers/acp/__fixtures__/<name>-<scenario>.meta.json  command, outcome, events
 * with machine-specific paths, the port and random ids replaced by placeholders (<CWD>,
 * <CWD_SLUG>, <CONFIG>, <CODEX_HOME>, <HOME>, <TMP>, <PORT>, <THREAD_ID>, <UUID_n>, <MSG_n>,
 * <SES_n>, <PRT_n>…).
 * Exits 1 when a scenario's own check fails (the files are written anyway, to look at).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = (path) => import(join(root, 'build', path));
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const unknownSessionId = '00000000-0000-4000-8000-000000000000';

const agents = {
  'claude-code': createClaudeCodeRecorder,
  codex: createCodexRecorder,
  opencode: createOpencodeRecorder,
  gemini: createGeminiRecorder,
  'acp-opencode': () => createAcpRecorder('opencode'),
  'acp-claude': () => createAcpRecorder('claude'),
  'acp-codex': () => createAcpRecorder('codex'),
  'acp-gemini': () => createAcpRecorder('gemini'),
};
const [first, ...rest] = process.argv.slice(2);
const agent = first in agents ? first : 'claude-code';
const requested = first in agents ? rest : process.argv.slice(2);

const { startScriptedModelServer } = await built('test/support/scripted-model-server/index.js');
const server = await startScriptedModelServer({ port: 0 });
let failures = 0;
try {
  const recorder = await agents[agent](server);
  const unknown = requested.filter((name) => !(name in recorder.scenarios));
  if (unknown.length > 0) {
    const known = Object.keys(recorder.scenarios).join(', ');
    throw new Error(`Unknown ${agent} scenario(s): ${unknown.join(', ')}. Known: ${known}`);
  }
  mkdirSync(recorder.fixturesDirectory, { recursive: true });
  for (const name of requested.length > 0 ? requested : Object.keys(recorder.scenarios)) {
    const problem = await recorder.record(name, recorder.scenarios[name]);
    console.log(`${problem ? 'FAIL' : 'ok  '} ${name}${problem ? `: ${problem}` : ''}`);
    if (problem) failures += 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  failures = -1;
} finally {
  await server.close();
}
process.exit(failures === 0 ? 0 : failures < 0 ? 2 : 1);

/** Replaces this machine's folders and port with placeholders, most specific first. */
/**
 * `<name>.jsonl` (one line each) and `<name>.meta.json` (pretty JSON, passed through
 * `scrubMeta`) in `directory`.
 */
function writeFixtureFiles(directory, name, lines, meta, scrubMeta = (text) => text) {
  writeFileSync(join(directory, `${name}.jsonl`), lines.map((line) => line + '\n').join(''));
  writeFileSync(
    join(directory, `${name}.meta.json`),
    scrubMeta(JSON.stringify(meta, null, 2)) + '\n',
  );
}

function createPathScrubber(paths) {
  const replacements = [
    ...paths,
    [`127.0.0.1:${server.port}`, '127.0.0.1:<PORT>'],
    [`localhost:${server.port}`, 'localhost:<PORT>'],
  ];
  return (text) =>
    replacements.reduce((scrubbed, [from, to]) => scrubbed.split(from).join(to), text);
}

/**
 * One turn of a CLI that prints a line per event (Claude Code, Gemini CLI): its stdout lines,
 * exit, stderr tail and the scripted model's replies. With `interruptOn`, SIGINT goes to the CLI
 * 200 ms after the first line containing it, like a caller pressing stop shortly after the
 * answer started streaming.
 */
async function recordLineTurn(spawnOptions, interruptOn) {
  const { spawnAgentProcess, readLines, terminateProcessTree } =
    await built('src/process/index.js');
  const firstRequest = server.requests.length;
  const child = await spawnAgentProcess(spawnOptions);
  const lines = [];
  let interrupting;
  const watchdog = setTimeout(() => terminateProcessTree(child, { graceMs: 1000 }), 60_000);
  try {
    for await (const line of readLines(child.stdout)) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (interruptOn !== undefined && !interrupting && line.includes(interruptOn)) {
        interrupting = delay(200).then(() => process.kill(child.pid, 'SIGINT'));
      }
    }
    const exit = await child.finished;
    if (interruptOn !== undefined) await server.waitForAllStreamsClosed(5000);
    const replies = server.requests.slice(firstRequest).map((request) => request.reply);
    return { lines, exit, stderrTail: child.stderrTail(), replies };
  } finally {
    clearTimeout(watchdog);
    await terminateProcessTree(child, { graceMs: 1000 });
  }
}

async function createClaudeCodeRecorder() {
  const { buildClaudeCodeArgs } = await built('src/providers/claude-code/claude-code-args.js');
  const { buildClaudeCodeEnvironment } = await built(
    'src/providers/claude-code/claude-code-environment.js',
  );
  const { findClaudeCodeBinary, readClaudeCodeVersion } = await built(
    'src/providers/claude-code/claude-code-binary.js',
  );
  const fixturesDirectory = join(root, 'src/providers/claude-code/__fixtures__');

  const binary = findClaudeCodeBinary({ environment: process.env });
  if (!binary) throw new Error('No claude binary found (npm install, or set CLAUDE_BIN).');
  const { version, failure } = await readClaudeCodeVersion(binary, {
    PATH: process.env.PATH ?? '',
  });
  if (!version) throw new Error(failure);

  /**
   * Each scenario: one turn (plus an optional setup turn in the same folders), its permissions,
   * extra environment, and a check on the outcome.
   */
  const scenarios = {
    plain: { prompt: 'Say hello', permissions: 'workspace-write' },
    'bash-tool': {
      prompt: 'Run the greeting command [[mock:tool]]',
      permissions: 'workspace-write',
    },
    thinking: { prompt: 'Think first [[mock:thinking]]', permissions: 'workspace-write' },
    'resume-recall': {
      setup: {
        prompt: 'Remember the word pineapple [[mock:tool]]',
        permissions: 'workspace-write',
      },
      prompt: 'What did I ask before? [[mock:recall]]',
      permissions: 'workspace-write',
      resume: 'setup',
      check: ({ stdout }) =>
        stdout.includes('Remember the word pineapple') && stdout.includes('hello-from-tool')
          ? undefined
          : 'the recall answer does not mention the earlier prompt and tool output',
    },
    'read-only-write-denied': {
      prompt: 'Write a file [[mock:tooluse=Write]]',
      permissions: 'read-only',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'mock-file.txt')) ? 'read-only run created mock-file.txt' : undefined,
    },
    'read-only-bash-denied': {
      prompt: 'Create a repo [[mock:tool=git init -q repo-by-tool]]',
      permissions: 'read-only',
      check: ({ cwd, stdout }) =>
        existsSync(join(cwd, 'repo-by-tool'))
          ? 'read-only run ran git init'
          : stdout.includes('"permission_denials":[{')
            ? undefined
            : 'the denial is not listed in permission_denials',
    },
    'workspace-write-edit': {
      prompt: 'Write a file [[mock:tooluse=Write]]',
      permissions: 'workspace-write',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'mock-file.txt')) ? undefined : 'mock-file.txt was not created',
    },
    'full-access': {
      prompt: 'Make a directory [[mock:tool=mkdir made-by-full-access]]',
      permissions: 'full-access',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'made-by-full-access')) ? undefined : 'the directory was not created',
    },
    'bypass-refused-as-root': {
      // A configured override wins over our IS_SANDBOX=1: as root, claude refuses to start.
      prompt: 'Make a directory [[mock:tool=mkdir made-by-full-access]]',
      permissions: 'full-access',
      overrides: { IS_SANDBOX: 'yes' },
      check: ({ exit }) =>
        process.getuid?.() !== 0 || exit.exitCode === 1 ? undefined : 'expected the root refusal',
    },
    'interrupt-sigint': {
      prompt: 'Take your time [[mock:stall]]',
      permissions: 'workspace-write',
      interruptAfterFirstDelta: true,
      check: ({ stdout }) =>
        stdout.includes('aborted_streaming') ? undefined : 'no aborted_streaming result',
    },
    'error-500': {
      prompt: 'Fail please [[mock:error=500]]',
      permissions: 'workspace-write',
      // One retry, so the fixture shows a system/api_retry line.
      environment: { CLAUDE_CODE_MAX_RETRIES: '1' },
    },
    'error-401': { prompt: 'Fail please [[mock:error=401]]', permissions: 'workspace-write' },
    'resume-unknown-session': {
      prompt: 'hello',
      permissions: 'workspace-write',
      resume: unknownSessionId,
      check: ({ stdout }) =>
        stdout.includes('No conversation found') ? undefined : 'expected "No conversation found"',
    },
  };

  async function record(name, scenario) {
    const folder = mkdtempSync(join(tmpdir(), 'record-claude-'));
    const paths = {
      root: folder,
      cwd: join(folder, 'work'),
      config: join(folder, 'config'),
      home: join(folder, 'home'),
      temp: join(folder, 'tmp'),
    };
    for (const path of [paths.cwd, paths.config, paths.home, paths.temp]) mkdirSync(path);
    try {
      let resumeSessionId = scenario.resume;
      if (scenario.setup) {
        const setup = await runTurn(scenario.setup, paths);
        resumeSessionId = JSON.parse(setup.lines[0] ?? '{}').session_id;
      }
      const turn = await runTurn({ ...scenario, resume: resumeSessionId }, paths);
      const scrub = createPathScrubber([
        [paths.cwd, '<CWD>'],
        [paths.cwd.replace(/[^a-zA-Z0-9]/g, '-'), '<CWD_SLUG>'],
        [paths.config, '<CONFIG>'],
        [paths.root, '<TMP>'],
      ]);
      const meta = {
        scenario: name,
        claudeVersion: version,
        argv: ['claude', ...turn.args].map(scrub),
        permissions: scenario.permissions,
        interrupted: Boolean(scenario.interruptAfterFirstDelta),
        exitCode: turn.exit.exitCode,
        signal: turn.exit.signal,
        stderrTail: scrub(turn.stderrTail),
        modelReplies: turn.replies,
      };
      writeFixtureFiles(fixturesDirectory, name, turn.lines.map(scrub), meta);
      return scenario.check?.({ ...turn, stdout: turn.lines.join('\n'), cwd: paths.cwd });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  async function runTurn(turn, paths) {
    const args = buildClaudeCodeArgs({
      prompt: turn.prompt,
      model: 'mock-model',
      permissions: turn.permissions,
      resumeSessionId: turn.resume,
    });
    const base = {
      PATH: process.env.PATH,
      HOME: paths.home,
      // The machine may say IS_SANDBOX=yes; the adapter must scrub it (or set 1 for full access).
      IS_SANDBOX: process.env.IS_SANDBOX,
      CLAUDE_CONFIG_DIR: paths.config,
      CLAUDE_CODE_TMPDIR: paths.temp,
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: 'dummy',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
      ...turn.environment,
    };
    const env = buildClaudeCodeEnvironment(base, turn.overrides, turn.permissions, paths.cwd);
    const interruptOn = turn.interruptAfterFirstDelta ? '"text_delta"' : undefined;
    return { args, ...(await recordLineTurn({ binary, args, cwd: paths.cwd, env }, interruptOn)) };
  }

  return { fixturesDirectory, scenarios, record };
}

async function createCodexRecorder() {
  const { createCodexHome } = await built('test/support/codex-home.js');
  const {
    buildCodexArgs,
    buildCodexInitializeParams,
    buildCodexThreadRequest,
    buildCodexTurnParams,
  } = await built('src/providers/codex/codex-args.js');
  const { buildCodexEnvironment } = await built('src/providers/codex/codex-environment.js');
  const { findCodexBinary, readCodexVersion } = await built('src/providers/codex/codex-binary.js');
  const { startCodexAppServer } = await built('src/providers/codex/codex-app-server-process.js');
  const { answerCodexServerRequest } = await built('src/providers/codex/codex-approvals.js');
  const fixturesDirectory = join(root, 'src/providers/codex/__fixtures__');

  const binary = findCodexBinary({ environment: process.env });
  if (!binary) throw new Error('No codex binary found (npm install, or set CODEX_BIN).');
  const { version, failure } = await readCodexVersion(binary, { PATH: process.env.PATH ?? '' });
  if (!version) throw new Error(failure);

  const has = (text, expected, problem) => (text.includes(expected) ? undefined : problem);
  /**
   * Each scenario: one turn in a new app-server (plus an optional setup turn in another one,
   * with the same CODEX_HOME), its permissions and approval policy, and a check on the outcome.
   */
  const scenarios = {
    plain: { prompt: 'Say hello', permissions: 'workspace-write' },
    'shell-tool': {
      prompt: 'Run the greeting command [[mock:tool]]',
      permissions: 'workspace-write',
      check: ({ transcript }) => has(transcript, 'hello-from-tool', 'no tool output'),
    },
    'apply-patch': {
      prompt: 'Create the file [[mock:patch=patched-by-codex.txt]]',
      permissions: 'workspace-write',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'patched-by-codex.txt')) ? undefined : 'the file was not created',
    },
    'patch-declined-read-only': {
      prompt: 'Create the file [[mock:patch=patched-by-codex.txt]]',
      permissions: 'read-only',
      check: ({ cwd, transcript }) =>
        existsSync(join(cwd, 'patched-by-codex.txt'))
          ? 'a read-only run created the file'
          : has(transcript, 'item/fileChange/requestApproval', 'no approval was asked'),
    },
    'escalation-declined': {
      prompt: 'Escalate [[mock:escalate=touch escalated-by-codex.txt]]',
      permissions: 'read-only',
      check: ({ cwd, transcript }) =>
        existsSync(join(cwd, 'escalated-by-codex.txt'))
          ? 'the declined command ran'
          : has(transcript, 'item/commandExecution/requestApproval', 'no approval was asked'),
    },
    'escalation-accepted': {
      prompt: 'Escalate [[mock:escalate=touch escalated-by-codex.txt]]',
      permissions: 'read-only',
      approvals: 'accept',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'escalated-by-codex.txt')) ? undefined : 'the command did not run',
    },
    thinking: { prompt: 'Think first [[mock:thinking]]', permissions: 'workspace-write' },
    interrupt: {
      prompt: 'Take your time [[mock:stall]]',
      permissions: 'workspace-write',
      interruptAfterFirstDelta: true,
      check: ({ transcript }) =>
        has(transcript, '"status":"interrupted"', 'the turn did not end interrupted'),
    },
    'error-500': {
      prompt: 'Fail please [[mock:error=500]]',
      permissions: 'workspace-write',
      // One retry, so the fixture shows an `error` notification with willRetry: true.
      extraArgs: ['-c', 'model_providers.mock.stream_max_retries=1'],
      check: ({ transcript }) => has(transcript, '"willRetry":true', 'no retry was reported'),
    },
    'resume-recall': {
      setup: {
        prompt: 'Remember the word pineapple [[mock:tool]]',
        permissions: 'workspace-write',
      },
      prompt: 'What did I ask before? [[mock:recall]]',
      permissions: 'workspace-write',
      resume: 'setup',
      check: ({ transcript }) =>
        transcript.includes('Remember the word pineapple') && transcript.includes('hello-from-tool')
          ? undefined
          : 'the recall answer does not mention the earlier prompt and tool output',
    },
    'resume-unknown-thread': {
      prompt: 'hello',
      permissions: 'workspace-write',
      resume: unknownSessionId,
      check: ({ transcript }) => has(transcript, 'no rollout found', 'expected "no rollout found"'),
    },
  };

  async function record(name, scenario) {
    const folder = mkdtempSync(join(tmpdir(), 'record-codex-'));
    const paths = {
      root: folder,
      cwd: join(folder, 'work'),
      home: join(folder, 'home'),
      codexHome: join(folder, 'codex-home'),
    };
    for (const path of [paths.cwd, paths.home]) mkdirSync(path);
    try {
      const home = await createCodexHome({
        directory: paths.codexHome,
        modelServerUrl: server.url,
        codexBinary: binary,
      });
      let resumeThreadId = scenario.resume;
      if (scenario.setup) {
        const setup = await runTurn(scenario.setup, paths, home);
        resumeThreadId = setup.threadId;
      }
      const turn = await runTurn({ ...scenario, resume: resumeThreadId }, paths, home);
      const scrubPaths = createPathScrubber([
        [paths.cwd, '<CWD>'],
        [paths.codexHome, '<CODEX_HOME>'],
        [paths.home, '<HOME>'],
        [paths.root, '<TMP>'],
      ]);
      const scrubIds = createIdScrubber(turn.threadId ?? resumeThreadId);
      const scrub = (text) => scrubIds(scrubPaths(text));
      const meta = {
        scenario: name,
        codexVersion: version,
        argv: ['codex', ...turn.args].map(scrub),
        permissions: scenario.permissions,
        approvals: scenario.approvals ?? 'decline',
        interrupted: Boolean(scenario.interruptAfterFirstDelta),
        exitCode: turn.exit.exitCode,
        signal: turn.exit.signal,
        stderrTail: scrub(turn.stderrTail),
        modelReplies: turn.replies,
      };
      const lines = turn.entries.map((entry) => JSON.stringify(fixtureLine(entry, scrub)));
      writeFixtureFiles(fixturesDirectory, name, lines, meta);
      const transcript = turn.entries.map((entry) => entry.line).join('\n');
      return scenario.check?.({ ...turn, transcript, cwd: paths.cwd });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** One turn driven the way the provider drives it, keeping every line of the conversation. */
  async function runTurn(turn, paths, home) {
    const approvals = turn.approvals ?? 'decline';
    const args = buildCodexArgs(turn.extraArgs);
    const env = buildCodexEnvironment(
      { PATH: process.env.PATH, HOME: paths.home, ...home.environment },
      undefined,
      paths.cwd,
    );
    const firstRequest = server.requests.length;
    const appServer = await startCodexAppServer({
      binary,
      args,
      cwd: paths.cwd,
      env,
      answer: (request) => answerCodexServerRequest(request, approvals),
    });
    const { client } = appServer;
    const ids = {};
    const entries = [];
    let interrupting;
    let settle;
    const settled = new Promise((resolve) => (settle = resolve));
    const reading = (async () => {
      for await (const entry of client.transcript()) {
        entries.push(entry);
        if (entry.direction !== 'received') continue;
        if (turn.interruptAfterFirstDelta && !interrupting) {
          if (entry.line.includes('"item/agentMessage/delta"')) {
            // Like a caller pressing stop shortly after the answer started streaming.
            interrupting = delay(200).then(() =>
              client.request('turn/interrupt', ids, { timeoutMs: 2000 }).catch(() => undefined),
            );
          }
        }
        if (entry.line.includes('"turn/completed"') && entry.line.includes(ids.turnId)) settle();
      }
      settle();
    })();
    const watchdog = setTimeout(settle, 60_000);
    try {
      await client.request('initialize', buildCodexInitializeParams('0.0.0-recording'));
      client.notify('initialized');
      const thread = buildCodexThreadRequest({
        cwd: paths.cwd,
        permissions: turn.permissions,
        resumeThreadId: turn.resume,
      });
      const threadResult = await client.request(thread.method, thread.params);
      ids.threadId = threadResult.thread.id;
      const turnResult = await client.request(
        'turn/start',
        buildCodexTurnParams(ids.threadId, turn.prompt),
      );
      ids.turnId = turnResult.turn.id;
      await settled;
    } catch {
      // A refusal (unknown thread…) is in the transcript.
    } finally {
      clearTimeout(watchdog);
      await appServer.shutdown();
      await reading;
    }
    const exit = await appServer.child.finished;
    if (turn.interruptAfterFirstDelta) await server.waitForAllStreamsClosed(5000);
    const replies = server.requests.slice(firstRequest).map((request) => request.reply);
    return {
      args,
      entries,
      exit,
      stderrTail: appServer.stderrTail(),
      replies,
      threadId: ids.threadId,
    };
  }

  return { fixturesDirectory, scenarios, record };
}

async function createOpencodeRecorder() {
  const { createOpencodeEnvironment } = await built('test/support/opencode-environment.js');
  const { createOpencodeProvider } = await built('src/providers/opencode/opencode-provider.js');
  const { buildOpencodeServeArgs } = await built('src/providers/opencode/opencode-args.js');
  const { findOpencodeBinary, readOpencodeVersion } = await built(
    'src/providers/opencode/opencode-binary.js',
  );
  const fixturesDirectory = join(root, 'src/providers/opencode/__fixtures__');

  const binary = findOpencodeBinary({ environment: process.env });
  if (!binary) throw new Error('No opencode binary found (npm install, or set OPENCODE_BIN).');
  const { version, failure } = await readOpencodeVersion(binary, { PATH: process.env.PATH ?? '' });
  if (!version) throw new Error(failure);

  const has = (text, expected, problem) => (text.includes(expected) ? undefined : problem);
  const runEndOf = (events) => events.find((event) => event.type === 'run-end') ?? {};
  /**
   * Each scenario: one turn through the provider (plus an optional setup turn through another
   * provider, so another `opencode serve`, with the same state), its permissions and approval
   * policy, and a check on the outcome.
   */
  const scenarios = {
    plain: { prompt: 'Say hello', permissions: 'workspace-write' },
    'bash-tool': {
      prompt: 'Run the greeting command [[mock:tool]]',
      permissions: 'workspace-write',
      check: ({ transcript }) => has(transcript, 'hello-from-tool', 'no tool output'),
    },
    thinking: { prompt: 'Think first [[mock:thinking]]', permissions: 'workspace-write' },
    'write-file': {
      prompt: 'Create the file [[mock:patch=written-by-opencode.txt]]',
      permissions: 'workspace-write',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'written-by-opencode.txt')) ? undefined : 'the file was not created',
    },
    'todo-plan': { prompt: 'Plan it [[mock:tooluse=todowrite]]', permissions: 'workspace-write' },
    'permission-rejected-read-only': {
      prompt: 'Create the file [[mock:patch=written-by-opencode.txt]]',
      permissions: 'read-only',
      check: ({ cwd, transcript, events }) =>
        existsSync(join(cwd, 'written-by-opencode.txt'))
          ? 'a read-only run created the file'
          : (has(transcript, 'permission.asked', 'no permission was asked') ??
            (runEndOf(events).status === 'completed' ? undefined : 'the run did not complete')),
    },
    'permission-accepted': {
      prompt: 'Make it [[mock:tool=touch made-by-opencode.txt]]',
      permissions: 'read-only',
      approvals: 'accept',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'made-by-opencode.txt')) ? undefined : 'the command did not run',
    },
    abort: {
      prompt: 'Take your time [[mock:stall]]',
      permissions: 'workspace-write',
      interruptAfterFirstDelta: true,
      check: ({ events }) =>
        runEndOf(events).status === 'cancelled' ? undefined : 'the run did not end cancelled',
    },
    'error-401': {
      prompt: 'Fail please [[mock:error=401]]',
      permissions: 'workspace-write',
      check: ({ events }) =>
        runEndOf(events).error?.code === 'upstream_error' ? undefined : 'expected upstream_error',
    },
    'resume-recall': {
      setup: {
        prompt: 'Remember the word pineapple [[mock:tool]]',
        permissions: 'workspace-write',
      },
      prompt: 'What did I ask before? [[mock:recall]]',
      permissions: 'workspace-write',
      resume: 'setup',
      check: ({ transcript }) =>
        transcript.includes('Remember the word pineapple') && transcript.includes('hello-from-tool')
          ? undefined
          : 'the recall answer does not mention the earlier prompt and tool output',
    },
    'resume-unknown-session': {
      prompt: 'hello',
      permissions: 'workspace-write',
      resume: 'ses_000000000000000000000000000',
      check: ({ events }) =>
        runEndOf(events).error?.code === 'agent_error' ? undefined : 'expected agent_error',
    },
    'two-sessions-one-directory': {
      prompt: 'marker-alpha [[mock:slow=40]]',
      permissions: 'workspace-write',
      alongside: 'marker-beta [[mock:slow=40]]',
      check: ({ transcript }) =>
        has(transcript, 'marker-beta', 'the other session is not on the recorded bus'),
    },
  };

  async function record(name, scenario) {
    const folder = mkdtempSync(join(tmpdir(), 'record-opencode-'));
    const paths = { root: folder, cwd: join(folder, 'work'), home: join(folder, 'home') };
    for (const path of [paths.cwd, paths.home]) mkdirSync(path);
    try {
      const state = await createOpencodeEnvironment({
        directory: join(folder, 'state'),
        modelServerUrl: server.url,
      });
      const environment = { PATH: process.env.PATH, HOME: paths.home, ...state.environment };
      let resumeSessionId = scenario.resume;
      if (scenario.setup) {
        const setup = await runTurn(scenario.setup, paths, environment);
        resumeSessionId = runEndOf(setup.events).nativeSessionId;
      }
      const turn = await runTurn({ ...scenario, resume: resumeSessionId }, paths, environment);
      const serverPort = new URL(turn.serverUrl ?? 'http://127.0.0.1:0').port;
      const scrubPaths = createPathScrubber([
        [encodeURIComponent(paths.cwd), '<CWD_URLENCODED>'],
        [paths.cwd, '<CWD>'],
        [paths.cwd.slice(1), '<CWD_RELATIVE>'],
        [join(folder, 'state'), '<STATE>'],
        [paths.home, '<HOME>'],
        [paths.root, '<TMP>'],
        [join(folder, 'state').slice(1), '<STATE_RELATIVE>'],
        [paths.root.slice(1), '<TMP_RELATIVE>'],
        [`127.0.0.1:${serverPort}`, '127.0.0.1:<SERVER_PORT>'],
      ]);
      const scrubIds = createOpencodeIdScrubber();
      const scrub = (text) => scrubIds(scrubPaths(text));
      const lines = turn.transcript.map((entry) =>
        scrub(JSON.stringify(opencodeFixtureLine(entry))),
      );
      const meta = {
        scenario: name,
        opencodeVersion: version,
        argv: ['opencode', ...turn.argv],
        prompt: scenario.prompt,
        permissions: scenario.permissions,
        approvals: scenario.approvals ?? 'decline',
        resumed: resumeSessionId !== undefined,
        interrupted: Boolean(scenario.interruptAfterFirstDelta),
        sessionId: runEndOf(turn.events).nativeSessionId,
        events: turn.events,
        modelReplies: turn.replies,
      };
      writeFixtureFiles(fixturesDirectory, name, lines, meta, scrub);
      const transcript = turn.transcript.map((entry) => JSON.stringify(entry)).join('\n');
      return scenario.check?.({ ...turn, transcript, cwd: paths.cwd });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** One turn through a new provider (so a new `opencode serve`), keeping its transcript. */
  async function runTurn(turn, paths, environment) {
    const transcript = [];
    const provider = createOpencodeProvider(
      { approvals: turn.approvals ?? 'decline' },
      {
        transcriptFor: (request) =>
          request.prompt === turn.prompt ? (entry) => transcript.push(entry) : undefined,
      },
    );
    const firstRequest = server.requests.length;
    const controller = new AbortController();
    const watchdog = setTimeout(() => controller.abort(), 60_000);
    const run = async (prompt, record) => {
      const events = [];
      const request = {
        prompt,
        cwd: paths.cwd,
        permissions: turn.permissions,
        environment,
        signal: record ? controller.signal : new AbortController().signal,
        ...(turn.resume ? { resumeNativeSessionId: turn.resume } : {}),
      };
      for await (const event of provider.run(request)) {
        events.push(event);
        if (record && turn.interruptAfterFirstDelta && event.type === 'text-delta') {
          // Like a caller pressing stop shortly after the answer started streaming.
          if (!controller.signal.aborted) setTimeout(() => controller.abort(), 200);
        }
      }
      return events;
    };
    try {
      const [events] = await Promise.all([
        run(turn.prompt, true),
        ...(turn.alongside ? [run(turn.alongside, false)] : []),
      ]);
      const [described] = provider.servers.describe();
      if (turn.interruptAfterFirstDelta) await server.waitForAllStreamsClosed(5000);
      const replies = server.requests.slice(firstRequest).map((request) => request.reply);
      return {
        events,
        transcript,
        replies,
        serverUrl: described?.url,
        argv: buildOpencodeServeArgs(),
      };
    } finally {
      clearTimeout(watchdog);
      await provider.dispose();
    }
  }

  return { fixturesDirectory, scenarios, record };
}

async function createGeminiRecorder() {
  const { createGeminiEnvironment } = await built('test/support/gemini-environment.js');
  const { buildGeminiArgs } = await built('src/providers/gemini/gemini-args.js');
  const { buildGeminiEnvironment } = await built('src/providers/gemini/gemini-environment.js');
  const { findGeminiBinary, readGeminiVersion } = await built(
    'src/providers/gemini/gemini-binary.js',
  );
  const fixturesDirectory = join(root, 'src/providers/gemini/__fixtures__');

  const binary = findGeminiBinary({ environment: process.env });
  if (!binary) throw new Error('No gemini binary found (npm install, or set GEMINI_BIN).');
  const { version, failure } = await readGeminiVersion(binary, { PATH: process.env.PATH ?? '' });
  if (!version) throw new Error(failure);

  const has = (text, expected, problem) => (text.includes(expected) ? undefined : problem);
  /**
   * Each scenario: one turn (plus an optional setup turn in the same folders), its permissions
   * and model (`mock-model` unless given; `null` lets the CLI route with its `auto` model), and
   * a check on the outcome.
   */
  const scenarios = {
    plain: { prompt: 'Say hello', permissions: 'workspace-write' },
    'auto-model': {
      prompt: 'Say hello',
      permissions: 'workspace-write',
      model: null,
      check: () =>
        server.requests.some((request) => request.reply === 'side json')
          ? undefined
          : 'the auto model made no JSON-mode routing call',
    },
    'shell-tool': {
      prompt: 'Run the greeting command [[mock:tool]]',
      permissions: 'full-access',
      check: ({ stdout }) => has(stdout, 'hello-from-tool', 'no tool output'),
    },
    'write-file': {
      prompt: 'Create the file [[mock:patch=written-by-gemini.txt]]',
      permissions: 'workspace-write',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'written-by-gemini.txt')) ? undefined : 'the file was not created',
    },
    'read-only-write-refused': {
      prompt: 'Write a file [[mock:tooluse=write_file]]',
      permissions: 'read-only',
      check: ({ stdout }) => has(stdout, 'tool_not_registered', 'write_file was not refused'),
    },
    'read-only-shell-refused': {
      prompt: 'Make a directory [[mock:tooluse=run_shell_command]]',
      permissions: 'read-only',
      check: ({ stdout }) =>
        has(stdout, 'tool_not_registered', 'run_shell_command was not refused'),
    },
    'resume-recall': {
      setup: {
        prompt: 'Remember the word pineapple [[mock:tool]]',
        permissions: 'full-access',
      },
      prompt: 'What did I ask before? [[mock:recall]]',
      permissions: 'workspace-write',
      resume: 'setup',
      check: ({ lines }) => {
        const answer = lines
          .map((line) => JSON.parse(line))
          .filter((line) => line.type === 'message' && line.role === 'assistant')
          .map((line) => line.content)
          .join('');
        return answer.includes('Remember the word pineapple') && answer.includes('hello-from-tool')
          ? undefined
          : 'the recall answer does not mention the earlier prompt and tool output';
      },
    },
    'interrupt-sigint': {
      prompt: 'Take your time [[mock:stall]]',
      permissions: 'workspace-write',
      interruptAfterFirstDelta: true,
      check: ({ stdout }) =>
        stdout.includes('"result"') ? 'a result line was printed' : undefined,
    },
    'error-500': { prompt: 'Fail please [[mock:error=500]]', permissions: 'workspace-write' },
    'error-429': { prompt: 'Fail please [[mock:error=429]]', permissions: 'workspace-write' },
    'resume-unknown-session': {
      prompt: 'hello',
      permissions: 'workspace-write',
      resume: unknownSessionId,
      check: ({ exit }) => (exit.exitCode === 42 ? undefined : 'expected exit code 42'),
    },
  };

  async function record(name, scenario) {
    const folder = mkdtempSync(join(tmpdir(), 'record-gemini-'));
    const paths = { root: folder, cwd: join(folder, 'work'), home: join(folder, 'home') };
    for (const path of [paths.cwd, paths.home]) mkdirSync(path);
    try {
      const state = await createGeminiEnvironment({
        directory: paths.home,
        modelServerUrl: server.url,
      });
      const base = {
        PATH: process.env.PATH,
        HOME: paths.home,
        TMPDIR: paths.home,
        ...state.environment,
      };
      let resumeSessionId = scenario.resume;
      if (scenario.setup) {
        const setup = await runTurn(scenario.setup, paths, base);
        resumeSessionId = JSON.parse(setup.lines[0] ?? '{}').session_id;
      }
      const turn = await runTurn({ ...scenario, resume: resumeSessionId }, paths, base);
      const scrubPaths = createPathScrubber([
        [paths.cwd, '<CWD>'],
        [paths.home, '<HOME>'],
        [paths.root, '<TMP>'],
      ]);
      const scrubIds = createGeminiIdScrubber();
      const scrub = (text) => scrubIds(scrubPaths(text));
      const meta = {
        scenario: name,
        geminiVersion: version,
        argv: ['gemini', ...turn.args].map(scrub),
        permissions: scenario.permissions,
        interrupted: Boolean(scenario.interruptAfterFirstDelta),
        exitCode: turn.exit.exitCode,
        signal: turn.exit.signal,
        stderrTail: scrub(turn.stderrTail),
        modelReplies: turn.replies,
      };
      writeFixtureFiles(fixturesDirectory, name, turn.lines.map(scrub), meta, scrub);
      return scenario.check?.({ ...turn, stdout: turn.lines.join('\n'), cwd: paths.cwd });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  async function runTurn(turn, paths, base) {
    const args = buildGeminiArgs({
      prompt: turn.prompt,
      model: turn.model === null ? undefined : (turn.model ?? 'mock-model'),
      permissions: turn.permissions,
      resumeSessionId: turn.resume,
      newSessionId: turn.resume ? undefined : randomUUID(),
    });
    const env = buildGeminiEnvironment(base, undefined, paths.cwd);
    const interruptOn = turn.interruptAfterFirstDelta ? '"delta":true' : undefined;
    return { args, ...(await recordLineTurn({ binary, args, cwd: paths.cwd, env }, interruptOn)) };
  }

  return { fixturesDirectory, scenarios, record };
}

/**
 * Replaces the session ids (UUIDs) and Gemini's call ids (`<tool>_<epoch ms>_<n>`) by
 * placeholders numbered by first appearance.
 */
function createGeminiIdScrubber() {
  const seen = new Map([[unknownSessionId, unknownSessionId]]);
  const counts = new Map();
  const placeholder = (id, kind) => {
    if (!seen.has(id)) {
      const count = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, count);
      seen.set(id, `<${kind}_${count}>`);
    }
    return seen.get(id);
  };
  return (text) =>
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) =>
        placeholder(id, 'SESSION'),
      )
      .replace(/\b\d{13}_\d+\b/g, (id) => placeholder(id, 'CALL'))
      .replace(/gemini-client-error-[\w.-]+\.json/g, 'gemini-client-error-<REPORT>.json')
      .replace(/PGID: \d+/g, 'PGID: <PGID>');
}

/** An opencode transcript entry as a fixture line: SSE payloads parsed when they are JSON. */
function opencodeFixtureLine(entry) {
  if (entry.kind !== 'sse') return entry;
  try {
    return { kind: 'sse', event: JSON.parse(entry.data) };
  } catch {
    return entry;
  }
}

/**
 * Replaces opencode's ids (`ses_…`, `msg_…`, `prt_…`, `evt_…`, `per_…`, `que_…`) and the
 * scripted server's `call_…` ids by placeholders numbered by first appearance.
 */
function createOpencodeIdScrubber() {
  const seen = new Map();
  const counts = new Map();
  return (text) =>
    text.replace(/\b(ses|msg|prt|evt|per|que|call)_[0-9a-zA-Z]{10,}/g, (id, prefix) => {
      if (!seen.has(id)) {
        const kind = prefix.toUpperCase();
        const count = (counts.get(kind) ?? 0) + 1;
        counts.set(kind, count);
        seen.set(id, `<${kind}_${count}>`);
      }
      return seen.get(id);
    });
}

/** A transcript entry as a fixture line: the message itself, or the raw line if not JSON. */
function fixtureLine(entry, scrub) {
  const line = scrub(entry.line);
  try {
    return { direction: entry.direction, message: JSON.parse(line) };
  } catch {
    return { direction: entry.direction, line };
  }
}

/**
 * Replaces the ids that change with every recording: the run's thread id, other UUIDs (turns,
 * items) and the scripted server's `msg_…`/`call_…`/`rs_…` ids, numbered by first appearance.
 */
function createIdScrubber(threadId) {
  const seen = new Map(threadId ? [[threadId, '<THREAD_ID>']] : []);
  const counts = new Map();
  const placeholder = (id, kind) => {
    if (!seen.has(id)) {
      const count = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, count);
      seen.set(id, `<${kind}_${count}>`);
    }
    return seen.get(id);
  };
  return (text) =>
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) =>
        id === unknownSessionId ? id : placeholder(id, 'UUID'),
      )
      .replace(/\b(msg|call|rs|fc|ctc|resp)_[0-9a-zA-Z]{12,}/g, (id, prefix) =>
        placeholder(id, prefix.toUpperCase()),
      );
}

/**
 * An ACP preset through the provider, against the scripted model server, in isolated folders
 * (the environment the e2e tests give the agents).
 */
async function createAcpRecorder(name) {
  const { createAcpProvider, resolveAcpAgent } = await built('src/providers/acp/index.js');
  const { createOpencodeEnvironment } = await built('test/support/opencode-environment.js');
  const { createCodexHome } = await built('test/support/codex-home.js');
  const { createGeminiEnvironment } = await built('test/support/gemini-environment.js');
  const fixturesDirectory = join(root, 'src/providers/acp/__fixtures__');
  const recipe = resolveAcpAgent(name, {});
  if (!recipe.locate(process.env, []))
    throw new Error(`The ${name} ACP agent is not installed (npm install).`);
  const base = mkdtempSync(join(tmpdir(), `record-acp-${name}-`));
  const home = join(base, 'home');
  const claudeConfig = join(base, 'claude-config');
  mkdirSync(home, { recursive: true });
  mkdirSync(claudeConfig, { recursive: true });
  const opencode = await createOpencodeEnvironment({
    directory: join(base, 'opencode'),
    modelServerUrl: server.url,
  });
  const codex = await createCodexHome({
    directory: join(base, 'codex-home'),
    modelServerUrl: server.url,
  });
  const gemini = await createGeminiEnvironment({
    directory: join(base, 'gemini-home'),
    modelServerUrl: server.url,
  });
  const environment = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    ...gemini.environment,
    TMPDIR: home,
    CLAUDE_CONFIG_DIR: claudeConfig,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: 'dummy-test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...codex.environment,
    ...opencode.environment,
  };
  const scrub = createPathScrubber([[base, '<TMP>']]);
  // codex runs commands in its sandbox and asks only when the model asks to leave it.
  const asking = name === 'codex' ? 'escalate' : 'tool';
  const runEndOf = (events) => events.find((event) => event.type === 'run-end') ?? {};
  const scenarios = {
    plain: { prompt: 'Say hello', permissions: 'workspace-write' },
    'shell-tool': { prompt: 'Run the greeting command [[mock:tool]]', permissions: 'full-access' },
    thinking: { prompt: 'Think first [[mock:thinking]]', permissions: 'workspace-write' },
    'write-file': {
      prompt: 'Create the file [[mock:patch=written-by-acp.txt]]',
      permissions: 'workspace-write',
      approvals: 'accept',
    },
    'permission-declined': {
      prompt: `Make it [[mock:${asking}=mkdir -p declined-dir]]`,
      permissions: 'read-only',
      check: ({ events }) =>
        events.some((event) => event.type === 'permission-request')
          ? undefined
          : 'no permission was asked',
    },
    'permission-accepted': {
      prompt: `Make it [[mock:${asking}=mkdir -p accepted-dir]]`,
      permissions: 'read-only',
      approvals: 'accept',
      check: ({ cwd }) =>
        existsSync(join(cwd, 'accepted-dir')) ? undefined : 'the command did not run',
    },
    cancel: {
      prompt: 'Take your time [[mock:stall]]',
      permissions: 'workspace-write',
      cancelAfterFirstDelta: true,
      check: ({ events }) =>
        runEndOf(events).status === 'cancelled' ? undefined : 'the run did not end cancelled',
    },
    'error-400': { prompt: 'Fail please [[mock:error=400]]', permissions: 'workspace-write' },
    'resume-recall': {
      setup: { prompt: 'Remember the word pineapple [[mock:tool]]', permissions: 'full-access' },
      prompt: 'What did I ask before? [[mock:recall]]',
      permissions: 'workspace-write',
      check: ({ events }) =>
        runEndOf(events).text?.includes('pineapple')
          ? undefined
          : 'the recall does not mention the earlier prompt',
    },
  };

  const runTurn = async (scenario, cwd, resumeNativeSessionId, onTranscript) => {
    const provider = createAcpProvider(
      { ...recipe, approvals: scenario.approvals ?? 'decline' },
      { onTranscript },
    );
    const controller = new AbortController();
    const events = [];
    for await (const event of provider.run({
      prompt: scenario.prompt,
      cwd,
      permissions: scenario.permissions,
      environment,
      signal: controller.signal,
      ...(resumeNativeSessionId ? { resumeNativeSessionId } : {}),
    })) {
      events.push(event);
      if (scenario.cancelAfterFirstDelta && event.type === 'text-delta')
        controller.abort('recording a cancel');
    }
    return events;
  };

  return {
    fixturesDirectory,
    scenarios,
    async record(scenarioName, scenario) {
      const cwd = join(base, scenarioName);
      mkdirSync(cwd, { recursive: true });
      let resumeId;
      if (scenario.setup) {
        const setupEvents = await runTurn(scenario.setup, cwd, undefined, () => undefined);
        resumeId = runEndOf(setupEvents).nativeSessionId;
        // Gemini loses a session loaded within the minute it was written (the guard would wait).
        if (name === 'gemini') await delay(61_000 - (Date.now() % 60_000));
      }
      const lines = [];
      const events = await runTurn(scenario, cwd, resumeId, (entry) =>
        lines.push(scrub(JSON.stringify(entry))),
      );
      const meta = {
        agent: name,
        scenario: scenarioName,
        prompt: scenario.prompt,
        permissions: scenario.permissions,
        approvals: scenario.approvals ?? 'decline',
        resumed: resumeId !== undefined,
        events,
      };
      writeFixtureFiles(fixturesDirectory, `${name}-${scenarioName}`, lines, meta, scrub);
      return scenario.check?.({ cwd, events });
    },
  };
}
