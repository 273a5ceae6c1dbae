/**
 * Command-line entry of the scripted model server:
 *   node dist/test/support/scripted-model-server/main.js [--port N] [--host H] [--log file.jsonl]
 * Prints exactly one line, `scripted model server listening on <url>`, and exits on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { startScriptedModelServer } from './server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      log: { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be an integer between 0 and 65535, got ${values.port}`);
  }
  const server = await startScriptedModelServer({ port, host: values.host, logFile: values.log });
  process.stdout.write(`scripted model server listening on ${server.url}\n`);

  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `scripted model server: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(2);
});
