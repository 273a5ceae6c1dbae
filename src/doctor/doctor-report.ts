/**
 * What `subagent-mcp doctor` finds out: every provider's probe, the settings a run depends on,
 * and whether a run on the default provider can start here. Field names are snake_case like
 * the MCP tool results, and always present (`null` when unknown), so scripts can rely on them.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServerConfig } from '../config/index.js';
import type { AgentProvider, AuthState, ProviderProbe } from '../providers/agent-provider.js';
import { probeProvider } from '../providers/probe-provider.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { depthEnvironmentVariable, readNestingDepth } from '../runs/nesting-depth.js';

export type ProviderStatus =
  'ready' | 'auth_unknown' | 'not_authenticated' | 'not_found' | 'unavailable';

export interface DoctorProviderReport {
  id: string;
  name: string;
  is_default: boolean;
  status: ProviderStatus;
  /** A run on this provider can start (found, answers --version, not known to lack a login). */
  can_run: boolean;
  found: boolean;
  binary_path: string | null;
  /** Where the executable was looked for, in order, with what was found there. */
  searched: string[];
  version: string | null;
  auth: AuthState;
  /** What to do: the install or login command, or the variable to set. */
  next_step: string | null;
}

export interface DoctorReport {
  /** A run on the default provider can start here. */
  ok: boolean;
  /** Each reason it cannot, with what to do. */
  problems: string[];
  version: string;
  default_provider: string;
  config_file: string | null;
  state_dir: { path: string; writable: boolean };
  allowed_roots: Array<{ path: string; exists: boolean }>;
  depth: { variable: string; current: number; max: number; refuses_runs: boolean };
  providers: DoctorProviderReport[];
}

export interface DoctorInputs {
  config: ServerConfig;
  configFile: string | undefined;
  registry: ProviderRegistry;
  env: Record<string, string | undefined>;
  version: string;
  probeTimeoutMs: number;
}

export async function createDoctorReport(inputs: DoctorInputs): Promise<DoctorReport> {
  const { config, registry } = inputs;
  const providers = await Promise.all(
    registry
      .list()
      .map(async (provider) =>
        describeProvider(
          provider,
          await probeProvider(provider, inputs.probeTimeoutMs),
          provider.id === config.defaultProvider,
        ),
      ),
  );
  const depth = readNestingDepth(inputs.env);
  const report: Omit<DoctorReport, 'ok' | 'problems'> = {
    version: inputs.version,
    default_provider: config.defaultProvider,
    config_file: inputs.configFile ?? null,
    state_dir: { path: config.stateDir, writable: isWritableOrCreatable(config.stateDir) },
    allowed_roots: config.allowedRoots.map((path) => ({ path, exists: isDirectory(path) })),
    depth: {
      variable: depthEnvironmentVariable,
      current: depth,
      max: config.maxDepth,
      refuses_runs: depth + 1 > config.maxDepth,
    },
    providers,
  };
  const problems = findProblems(report);
  return { ok: problems.length === 0, problems, ...report };
}

function describeProvider(
  provider: AgentProvider,
  probe: ProviderProbe,
  isDefault: boolean,
): DoctorProviderReport {
  const status = statusOf(probe);
  return {
    id: provider.id,
    name: provider.name,
    is_default: isDefault,
    status,
    can_run: status === 'ready' || status === 'auth_unknown',
    found: probe.available || probe.binaryPath !== undefined,
    binary_path: probe.binaryPath ?? null,
    searched: probe.searched ?? [],
    version: probe.version ?? null,
    auth: probe.auth,
    next_step: probe.reason ?? null,
  };
}

function statusOf(probe: ProviderProbe): ProviderStatus {
  if (!probe.available) {
    // Looked everywhere and found nothing; a probe that failed otherwise did not get that far.
    return probe.binaryPath === undefined && probe.searched !== undefined
      ? 'not_found'
      : 'unavailable';
  }
  if (probe.auth === 'ok') return 'ready';
  return probe.auth === 'missing' ? 'not_authenticated' : 'auth_unknown';
}

function findProblems(report: Omit<DoctorReport, 'ok' | 'problems'>): string[] {
  const problems: string[] = [];
  const provider = report.providers.find((candidate) => candidate.is_default);
  if (provider && !provider.can_run) {
    problems.push(
      `The default provider ${provider.id} cannot run: ${provider.next_step ?? provider.status}`,
    );
  }
  const { depth } = report;
  if (depth.refuses_runs) {
    problems.push(
      `Runs are refused at nesting depth ${depth.current} (${depth.variable}) with maxDepth ${depth.max}: ` +
        `unset ${depth.variable} outside a sub-agent, or raise --max-depth / SUBAGENT_MCP_MAX_DEPTH.`,
    );
  }
  if (!report.state_dir.writable) {
    problems.push(
      `The state directory ${report.state_dir.path} is not writable: set --state-dir / SUBAGENT_MCP_STATE_DIR.`,
    );
  }
  const defaultRoot = report.allowed_roots[0];
  if (defaultRoot && !defaultRoot.exists) {
    problems.push(
      `The first allowed root ${defaultRoot.path} (the default cwd) is not a directory: fix --allowed-root / SUBAGENT_MCP_ALLOWED_ROOTS.`,
    );
  }
  return problems;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// The session store creates the directory with its parents: the nearest existing one decides.
function isWritableOrCreatable(path: string): boolean {
  let directory = path;
  while (!existsSync(directory) && dirname(directory) !== directory) directory = dirname(directory);
  try {
    accessSync(directory, constants.W_OK);
    return statSync(directory).isDirectory();
  } catch {
    return false;
  }
}
