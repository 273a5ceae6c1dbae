// `npm run bench`: every benchmark, each in its own process so none measures another's leftovers.
//
//   npm run bench [-- --only startup|providers|codex-warm|memory|claude-warm] [--starts 15] [--runs 7] [--provider codex …]
//
// startup     cold start and idle memory against a bare MCP SDK server (bench/startup-bench.mjs)
// providers   run_agent wall time against the direct CLI run (bench/provider-bench.mjs)
// codex-warm  codex run_agent cold and on the warm app-server against codex exec: wall time and
//             first event (bench/codex-warm-bench.mjs)
// memory      server peak RSS for a 1 GiB-output run and 32 concurrent runs (bench/memory-bench.mjs)
// claude-warm resume_agent on a warm claude session against claude -p --resume
//             (bench/claude-warm-bench.mjs)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const benchDirectory = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    starts: { type: 'string' },
    runs: { type: 'string' },
    provider: { type: 'string', multiple: true },
  },
});
const parts = {
  startup: {
    script: 'startup-bench.mjs',
    args: values.starts === undefined ? [] : ['--starts', values.starts],
  },
  providers: {
    script: 'provider-bench.mjs',
    args: [
      ...(values.runs === undefined ? [] : ['--runs', values.runs]),
      ...(values.provider ?? []).flatMap((provider) => ['--provider', provider]),
    ],
  },
  'codex-warm': {
    script: 'codex-warm-bench.mjs',
    args: values.runs === undefined ? [] : ['--runs', values.runs],
  },
  memory: { script: 'memory-bench.mjs', args: [] },
  'claude-warm': {
    script: 'claude-warm-bench.mjs',
    args: values.runs === undefined ? [] : ['--runs', values.runs],
  },
};
if (values.only !== undefined && !(values.only in parts)) {
  console.error(`--only: expected one of ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const [part, { script, args }] of Object.entries(parts)) {
  if (values.only !== undefined && values.only !== part) continue;
  const child = spawn(process.execPath, [join(benchDirectory, script), ...args], {
    stdio: 'inherit',
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
