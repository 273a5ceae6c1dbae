#!/usr/bin/env node
/**
 * The `subagent-mcp` command: flags → config → stdio server, or with `--http` a Streamable HTTP
 * server (docs/http.md). stdout belongs to the MCP stdio transport; everything human-readable
 * goes to stderr.
 *
 * Only the command line is read before `--help` and `--version` answer; the server's modules
 * (and the configuration, which they need valid) load after, with `import()`.
 */
import { configHelp, parseCommandLine } from './config/command-line.js';
import { AgentError } from './errors/agent-error.js';
import { readPackageVersion } from './package-version.js';

const log = (line: string) => process.stderr.write(`subagent-mcp: ${line}\n`);

async function main(): Promise<number> {
  if (process.argv[2] === 'doctor') {
    // Loaded only for this command; it answers on stdout, as it starts no transport.
    const { runDoctor } = await import('./doctor/index.js');
    return runDoctor({ argv: process.argv.slice(3), env: process.env, cwd: process.cwd(), log });
  }
  const argv = process.argv.slice(2);
  let flags;
  try {
    flags = parseCommandLine(argv);
  } catch (error) {
    log((error as Error).message);
    return 2;
  }
  // --help and --version start no transport, so they may answer on stdout like any CLI.
  if (flags.help) {
    process.stdout.write(configHelp);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`${readPackageVersion()}\n`);
    return 0;
  }
  const { serve } = await import('./serve.js');
  return await serve({ argv, log });
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    log(error instanceof AgentError ? error.message : String((error as Error)?.stack ?? error));
    process.exit(1);
  },
);
