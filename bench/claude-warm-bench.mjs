// Benchmark: warm Claude Code sessions. Interleaved samples, each on a new session, against the
// same scripted model server, measured in this process:
//   direct   `claude -p <prompt>` then `claude -p --resume <id> <prompt>` (the flags our provider
//            gives), wall time and time to the first stdout line;
//   server   `run_agent` (a cold claude) then `resume_agent` on that session (its warm process),
//            wall time and time to the first progress notification at the client.
// Also the resident memory of the warm claude process waiting for the session's next turn.
//
//   npm run bench -- --only claude-warm [--runs 7]   (or node bench/claude-warm-bench.mjs …)
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { childrenResidentMegabytes, median, startBenchServer } from './bench-support.mjs';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const built = (path) => import(join(repository, 'build', path));
const { startScriptedModelServer } = await built('test/support/scripted-model-server/index.js');
const { buildClaudeCodeArgs } = await built('src/providers/claude-code/claude-code-args.js');
const { findClaudeCodeBinary } = await built('src/providers/claude-code/claude-code-binary.js');

const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-claude-warm-'));
const workspace = join(base, 'workspace');
await Promise.all(
  ['workspace', 'claude-config', 'home', 'state'].map((name) => mkdir(join(base, name))),
);
const model = await startScriptedModelServer();
const environment = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(base, 'home'),
  CLAUDE_CONFIG_DIR: join(base, 'claude-config'),
  ANTHROPIC_BASE_URL: model.url,
  ANTHROPIC_API_KEY: 'bench',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_MAX_RETRIES: '0',
};
const binary = findClaudeCodeBinary({ environment: process.env });
const firstPrompt = 'Remember the word mango';
const nextPrompt = 'Say hello again';

const show = (label, numbers) =>
  `  ${label.padEnd(50)} median ${median(numbers).toFixed(0)} ms  (min ${Math.min(...numbers).toFixed(0)})`;
const ratio = (label, over, under) =>
  `  ${label.padEnd(50)} ${(median(over) / median(under)).toFixed(3)}`;

/** One direct `claude -p` turn: wall time, first stdout line, and the session id it printed. */
async function directTurn(prompt, resumeSessionId) {
  const args = buildClaudeCodeArgs({
    prompt,
    model: 'mock-model',
    permissions: 'workspace-write',
    resumeSessionId,
  });
  const started = performance.now();
  let firstLine;
  let sessionId;
  let output = '';
  await new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: workspace,
      env: { ...environment, PWD: workspace },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      if (firstLine === undefined && output.includes('\n')) {
        firstLine = performance.now() - started;
        sessionId = JSON.parse(output.slice(0, output.indexOf('\n'))).session_id;
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`claude exited ${code}`)),
    );
  });
  return { wall: performance.now() - started, firstLine, sessionId };
}

const startServer = () =>
  startBenchServer({ workspace, stateDir: join(base, 'state'), environment });

/** One tool call: wall time, first progress notification, and the result. */
async function serverTurn(client, name, args) {
  const started = performance.now();
  let firstProgress;
  const result = await client.callTool({ name, arguments: args }, undefined, {
    onprogress: () => (firstProgress ??= performance.now() - started),
    timeout: 60_000,
  });
  if (result.structuredContent?.status !== 'completed') throw new Error(JSON.stringify(result));
  return { wall: performance.now() - started, firstProgress, result: result.structuredContent };
}

/** The resident memory of the server's warm claude processes (its children in stream-json mode). */
const warmClaudeMegabytes = (serverPid) =>
  childrenResidentMegabytes(serverPid, (command) => command.includes('stream-json'));

const server = await startServer();
const samples = { direct: [], directResume: [], cold: [], warm: [], idleMegabytes: [] };
try {
  // One of each first: the first start of a binary pays for the disk cache.
  const warmUp = await directTurn(firstPrompt);
  await directTurn(nextPrompt, warmUp.sessionId);
  await serverTurn(server.client, 'run_agent', { prompt: firstPrompt, model: 'mock-model' });
  for (let index = 0; index < runs; index += 1) {
    const direct = await directTurn(`${firstPrompt} ${index}`);
    samples.direct.push(direct);
    samples.directResume.push(await directTurn(nextPrompt, direct.sessionId));
    const cold = await serverTurn(server.client, 'run_agent', {
      prompt: `${firstPrompt} ${index}`,
      model: 'mock-model',
    });
    samples.cold.push(cold);
    samples.idleMegabytes.push(...(await warmClaudeMegabytes(server.transport.pid)));
    samples.warm.push(
      await serverTurn(server.client, 'resume_agent', {
        session_id: cold.result.session_id,
        prompt: nextPrompt,
      }),
    );
    // A claude that just ended a turn is busy for about a second more (its own bookkeeping):
    // the next sample's direct run must not share the CPU with it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  const field = (list, name) => list.map((sample) => sample[name]);
  console.log(
    `claude-code warm sessions: ${runs} samples (interleaved), scripted model on 127.0.0.1`,
  );
  console.log(show('direct claude -p (wall)', field(samples.direct, 'wall')));
  console.log(show('direct claude -p --resume (wall)', field(samples.directResume, 'wall')));
  console.log(
    show('direct claude -p --resume: first stdout line', field(samples.directResume, 'firstLine')),
  );
  console.log(show('run_agent, cold (wall)', field(samples.cold, 'wall')));
  console.log(
    show('run_agent, cold: first progress at the client', field(samples.cold, 'firstProgress')),
  );
  console.log(show('resume_agent, warm (wall)', field(samples.warm, 'wall')));
  console.log(
    show('resume_agent, warm: first progress at the client', field(samples.warm, 'firstProgress')),
  );
  console.log(
    ratio(
      'ratio warm resume_agent / direct --resume',
      field(samples.warm, 'wall'),
      field(samples.directResume, 'wall'),
    ),
  );
  console.log(
    ratio(
      'ratio warm first progress / direct first line',
      field(samples.warm, 'firstProgress'),
      field(samples.directResume, 'firstLine'),
    ),
  );
  console.log(
    ratio(
      'ratio cold run_agent / direct claude -p',
      field(samples.cold, 'wall'),
      field(samples.direct, 'wall'),
    ),
  );
  console.log(
    `  idle warm claude process resident memory: median ${median(samples.idleMegabytes).toFixed(1)} MiB (max ${Math.max(...samples.idleMegabytes).toFixed(1)})`,
  );
} finally {
  await server.client.close();
  await model.close();
  await rm(base, { recursive: true, force: true });
}
