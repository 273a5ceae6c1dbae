/** Finding agent executables and asking them their version: shared by every provider. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

/** A regular file we may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable called `name` on `path` (a PATH value), with Windows' `.exe`/`.cmd`
 * variants there, that `accept` (when given) agrees to.
 */
export function findExecutableOnPath(
  name: string,
  path: string,
  options: { platform?: NodeJS.Platform; accept?: (candidate: string) => boolean } = {},
): string | undefined {
  const platform = options.platform ?? process.platform;
  const names = platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const directory of path.split(delimiter)) {
    if (directory === '') continue;
    for (const candidate of names.map((file) => join(directory, file))) {
      if (isExecutableFile(candidate) && (options.accept?.(candidate) ?? true)) return candidate;
    }
  }
  return undefined;
}

/** `<binary> --version` → the first `x.y.z…` it prints, or why that failed. */
export async function readExecutableVersion(
  binary: string,
  environment: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ version?: string; failure?: string }> {
  const result = await execa(binary, ['--version'], {
    env: environment,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    // opencode, a large Bun binary, takes a few seconds on a cold, busy machine.
    timeout: 10_000,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  const version = /\d+\.\d+\.\d+[\w.+-]*/.exec(String(result.stdout))?.[0];
  if (!result.failed && version !== undefined) return { version };
  const output = `${String(result.stdout)} ${String(result.stderr)}`.trim().slice(0, 300);
  const detail = result.failed ? result.shortMessage : `unexpected output ${output}`;
  return { failure: `${binary} --version failed: ${detail}` };
}

let muslDetected: boolean | undefined;

/** Whether this Node runs on musl libc (glibc reports its version in the process report). */
export function isMuslLibc(): boolean {
  if (muslDetected === undefined) {
    const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } })
      .header;
    muslDetected = header?.glibcVersionRuntime === undefined;
  }
  return muslDetected;
}

/** An environment value, with an empty string read as unset. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
