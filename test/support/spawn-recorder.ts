/**
 * Proves that nothing was spawned: every provider's binary (each built-in provider and each
 * ACP preset) is configured to a small wrapper script that appends a line to a log whenever it
 * is started, then either runs the real CLI (`passThrough`) or exits 97. Pass `configFile` to
 * the server with `--config`.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acpPresetNames } from '../../src/providers/acp/acp-settings.js';
import { builtInProviderDefinitions } from '../../src/providers/default-providers.js';

export interface SpawnRecorder {
  configFile: string;
  /** One line per start so far: the provider id and the arguments. */
  spawns(): string[];
}

/** Exit code of a wrapper that does not run a real CLI. */
export const recordedOnlyExitCode = 97;

export function createSpawnRecorder(options: {
  directory: string;
  /** Real executables to run after recording, by provider id (e.g. `claude-code`). */
  passThrough?: Record<string, string>;
}): SpawnRecorder {
  const log = join(options.directory, 'spawns.log');
  writeFileSync(log, '');
  const wrapper = (providerId: string) => {
    const path = join(options.directory, `record-${providerId.replace(':', '-')}.sh`);
    const real = options.passThrough?.[providerId];
    writeFileSync(
      path,
      [
        '#!/bin/sh',
        // One line per start, in one write, whatever the arguments hold: the id and the
        // first 300 bytes of them.
        `line=$(printf '%s' ${shellQuote(providerId)}" $*" | tr '\\n' ' ' | head -c 300)`,
        `printf '%s\\n' "$line" >> ${shellQuote(log)}`,
        real === undefined ? `exit ${recordedOnlyExitCode}` : `exec ${shellQuote(real)} "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(path, 0o755);
    return path;
  };
  const config = {
    providers: Object.fromEntries(
      builtInProviderDefinitions.map((definition) => [
        definition.id,
        { binary: wrapper(definition.id) },
      ]),
    ),
    acpAgents: Object.fromEntries(
      acpPresetNames.map((name) => [name, { command: wrapper(`acp:${name}`) }]),
    ),
  };
  const configFile = join(options.directory, 'spawn-recorder-config.json');
  writeFileSync(configFile, JSON.stringify(config));
  return {
    configFile,
    spawns: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line.trim() !== '')
        : [],
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
