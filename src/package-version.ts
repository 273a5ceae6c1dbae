import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version in our package.json (found by walking up: the code runs from src/, dist/ and build/src/). */
export function readPackageVersion(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let step = 0; step < 4; step += 1) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'subagent-mcp') return manifest.version ?? '0.0.0';
    }
    directory = dirname(directory);
  }
  return '0.0.0';
}
