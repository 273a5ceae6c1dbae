/**
 * `subagent-mcp doctor [--json] [options]`: the same options as the server, then a report on
 * stdout. Exit 0 when a run on the default provider can start, 1 when not, 2 on bad
 * configuration (the message names the key or file, as for the server).
 */
import { configHelp, loadConfig } from '../config/index.js';
import { readPackageVersion } from '../package-version.js';
import {
  createDefaultProviderRegistry,
  describeUnknownDefaultProvider,
} from '../providers/default-providers.js';
import { createDoctorReport } from './doctor-report.js';
import { describeWarmProcesses, formatDoctorReport } from './format-doctor-report.js';

export interface DoctorCommandOptions {
  /** The arguments after `doctor`. */
  argv: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where a configuration error is reported (stderr). */
  log: (line: string) => void;
  write?: (text: string) => void;
}

// opencode's probe starts a short-lived server, which takes seconds on a cold, busy machine.
const probeTimeoutMs = 20_000;

export async function runDoctor(options: DoctorCommandOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const asJson = options.argv.includes('--json');
  let loaded;
  try {
    loaded = loadConfig({
      argv: options.argv.filter((argument) => argument !== '--json'),
      env: options.env,
      cwd: options.cwd,
    });
  } catch (error) {
    options.log(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (loaded.showHelp) {
    write(configHelp);
    return 0;
  }
  const { config } = loaded;
  const registry = createDefaultProviderRegistry(config);
  const unknownDefaultProvider = describeUnknownDefaultProvider(config, registry);
  if (unknownDefaultProvider !== undefined) {
    options.log(unknownDefaultProvider);
    return 2;
  }
  try {
    const report = await createDoctorReport({
      config,
      configFile: loaded.configFile,
      registry,
      env: options.env,
      version: readPackageVersion(),
      probeTimeoutMs,
    });
    const warm = Object.fromEntries(
      registry.list().map((provider) => [provider.id, describeWarmProcesses(provider)]),
    );
    write(asJson ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report, warm));
    return report.ok ? 0 : 1;
  } finally {
    await registry.dispose();
  }
}
