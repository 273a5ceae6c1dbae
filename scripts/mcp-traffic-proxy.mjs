#!/usr/bin/env node
/**
 * A stdio MCP server in the middle: starts the real server, passes every line both ways
 * unchanged, and appends each JSON-RPC message to a log file (one JSON object a line:
 * `{ at, direction: "client->server" | "server->client", message }`).
 *
 *   node scripts/mcp-traffic-proxy.mjs <log file> -- <server command> [arguments…]
 *
 * Put it in a client's MCP config in place of the server's command to see what the client
 * asks (docs/clients.md). The server's stderr goes to this process's stderr.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const separator = process.argv.indexOf('--');
const logFile = process.argv[2];
if (!logFile || separator !== 3 || separator === process.argv.length - 1) {
  process.stderr.write('usage: mcp-traffic-proxy.mjs <log file> -- <command> [arguments…]\n');
  process.exit(2);
}
const [command, ...commandArguments] = process.argv.slice(separator + 1);

function record(direction, line) {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    message = { unparsed: line };
  }
  appendFileSync(
    logFile,
    `${JSON.stringify({ at: new Date().toISOString(), direction, message })}\n`,
  );
}

const server = spawn(command, commandArguments, { stdio: ['pipe', 'pipe', 'inherit'] });
record('proxy', JSON.stringify({ started: [command, ...commandArguments], pid: server.pid }));

createInterface({ input: process.stdin }).on('line', (line) => {
  record('client->server', line);
  server.stdin.write(`${line}\n`);
});
process.stdin.on('end', () => server.stdin.end());
server.stdin.on('error', () => {});

createInterface({ input: server.stdout }).on('line', (line) => {
  record('server->client', line);
  process.stdout.write(`${line}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => {
  record('proxy', JSON.stringify({ exited: { code, signal } }));
  process.exit(code ?? 1);
});
