#!/usr/bin/env node
/**
 * Records what the real `claude` prints, for the decoder tests:
 *   npm run build && node scripts/record-transcript.mjs [scenario…]
 * Each scenario runs the installed Claude Code against the scripted model server on 127.0.0.1,
 * with the argv and environment our adapter builds (from dist/) and isolated config, home and
 * temp folders, and writes
 *   src/providers/claude-code/__fixtures__/<scenario>.jsonl      stdout, one line per line
 *   src/providers/claude-code/__fixtures__/<scenario>.meta.json  argv, exit, stderr, version
 * with machine-specific paths and the port replaced by <CWD>, <CWD_SLUG>, <CONFIG>, <TMP>, <PORT>.
 * Exits 1 when a scenario's own check fails (the files are written anyway, to look at).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => import(join(root, 'dist', path));

const { startScriptedModelServer } = await dist('test/support/scripted-model-server/index.js');
const { buildClaudeCodeArgs } = await dist('src/providers/claude-code/claude-code-args.js');
const { buildClaudeCodeEnvironment } = await dist(
  'src/providers/claude-code/claude-code-environment.js',
);
const { findClaudeCodeBinary, readClaudeCodeVersion } = await dist(
  'src/providers/claude-code/claude-code-binary.js',
);
const { spawnAgentProcess, readLines, terminateProcessTree } = await dist('src/process/index.js');

const fixturesDirectory = join(root, 'src/providers/claude-code/__fixtures__');
const unknownSessionId = '00000000-0000-4000-8000-000000000000';

/**
 * Each scenario: one turn (plus an optional setup turn in the same folders), its permissions,
 * extra environment, and a check on the outcome.
 */
const scenarios = {
  plain: { prompt: 'Say hello', permissions: 'workspace-write' },
  'bash-tool': { prompt: 'Run the greeting command [[mock:tool]]', permissions: 'workspace-write' },
  thinking: { prompt: 'Think first [[mock:thinking]]', permissions: 'workspace-write' },
  'resume-recall': {
    setup: { prompt: 'Remember the word pineapple [[mock:tool]]', permissions: 'workspace-write' },
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

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in scenarios));
if (unknown.length > 0) {
  console.error(
    `Unknown scenario(s): ${unknown.join(', ')}. Known: ${Object.keys(scenarios).join(', ')}`,
  );
  process.exit(2);
}

const binary = findClaudeCodeBinary({ environment: process.env });
if (!binary) {
  console.error('No claude binary found (npm install, or set CLAUDE_BIN).');
  process.exit(2);
}
const { version, failure } = await readClaudeCodeVersion(binary, { PATH: process.env.PATH ?? '' });
if (!version) {
  console.error(failure);
  process.exit(2);
}

const server = await startScriptedModelServer({ port: 0 });
mkdirSync(fixturesDirectory, { recursive: true });
let failures = 0;
try {
  for (const name of requested.length > 0 ? requested : Object.keys(scenarios)) {
    const problem = await record(name, scenarios[name]);
    console.log(`${problem ? 'FAIL' : 'ok  '} ${name}${problem ? `: ${problem}` : ''}`);
    if (problem) failures += 1;
  }
} finally {
  await server.close();
}
process.exit(failures > 0 ? 1 : 0);

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
    const scrub = createScrubber(paths);
    writeFileSync(
      join(fixturesDirectory, `${name}.jsonl`),
      turn.lines.map((line) => scrub(line) + '\n').join(''),
    );
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
    writeFileSync(
      join(fixturesDirectory, `${name}.meta.json`),
      JSON.stringify(meta, null, 2) + '\n',
    );
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
  const firstRequest = server.requests.length;
  const child = await spawnAgentProcess({ binary, args, cwd: paths.cwd, env });
  const lines = [];
  let interrupting;
  const watchdog = setTimeout(() => terminateProcessTree(child, { graceMs: 1000 }), 60_000);
  try {
    for await (const line of readLines(child.stdout)) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (turn.interruptAfterFirstDelta && !interrupting && line.includes('"text_delta"')) {
        // Like a caller pressing stop shortly after the answer started streaming.
        interrupting = new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
          process.kill(child.pid, 'SIGINT'),
        );
      }
    }
    const exit = await child.finished;
    if (turn.interruptAfterFirstDelta) await server.waitForAllStreamsClosed(5000);
    const replies = server.requests.slice(firstRequest).map((request) => request.reply);
    return { args, lines, exit, stderrTail: child.stderrTail(), replies };
  } finally {
    clearTimeout(watchdog);
    await terminateProcessTree(child, { graceMs: 1000 });
  }
}

/** Replaces this machine's folders and port with placeholders, most specific first. */
function createScrubber(paths) {
  const slug = paths.cwd.replace(/[^a-zA-Z0-9]/g, '-');
  const replacements = [
    [paths.cwd, '<CWD>'],
    [slug, '<CWD_SLUG>'],
    [paths.config, '<CONFIG>'],
    [paths.root, '<TMP>'],
    [`127.0.0.1:${server.port}`, '127.0.0.1:<PORT>'],
    [`localhost:${server.port}`, 'localhost:<PORT>'],
  ];
  return (text) =>
    replacements.reduce((scrubbed, [from, to]) => scrubbed.split(from).join(to), text);
}
