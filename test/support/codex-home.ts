/**
 * An isolated CODEX_HOME that points Codex (0.169.0) at the scripted model server's Responses
 * dialect, with everything that would talk to the internet switched off:
 * - `config.toml`: model `mock-model` from provider `mock` (`wire_api = "responses"`, no
 *   `env_key`, so no API key and no Authorization header; no retries, so failures are fast),
 *   analytics off, the plugins feature off (no marketplace/git lookups) and no login-shell
 *   snapshot at session start;
 * - `mock-catalog.json`: model metadata for `mock-model`, so Codex offers its full tool set
 *   (exec_command, apply_patch as a freeform tool, …), sends a short base instruction, and does
 *   not warn about unknown model metadata.
 *
 * Codex warns "Refusing to create helper binaries under temporary dir" when CODEX_HOME is under
 * the system temp dir; that is harmless (only the `apply_patch` shell alias on the agent's PATH
 * is missing, the apply_patch tool works), so a temp directory is fine.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const runFile = promisify(execFile);

export const mockModelSlug = 'mock-model';
export const mockProviderId = 'mock';
export const configFileName = 'config.toml';
export const catalogFileName = 'mock-catalog.json';

const baseInstructions =
  'You are a scripted mock model used for offline tests; your replies follow the [[mock:…]] ' +
  'directives in the user prompt.';

export interface CodexHomeOptions {
  /** Becomes CODEX_HOME; created (with parents) when missing. */
  directory: string;
  /** The scripted model server's URL, e.g. `http://127.0.0.1:43123` (`/v1` is appended). */
  modelServerUrl: string;
  /**
   * A Codex binary whose `codex debug models --bundled` (offline) supplies the catalog entry to
   * derive `mock-model` from. Without it, or when that fails, a built-in minimal entry is used.
   */
  codexBinary?: string;
}

export interface CodexHome {
  /** The CODEX_HOME directory (absolute). */
  codexHome: string;
  /** Variables to add to Codex's environment: `CODEX_HOME`. */
  environment: Record<string, string>;
  configFile: string;
  catalogFile: string;
  /** Where the catalog entry came from. */
  catalogSource: 'codex debug models' | 'built-in';
}

export async function createCodexHome(options: CodexHomeOptions): Promise<CodexHome> {
  const codexHome = path.resolve(options.directory);
  await mkdir(codexHome, { recursive: true });
  const catalogFile = path.join(codexHome, catalogFileName);
  const configFile = path.join(codexHome, configFileName);

  const derived =
    options.codexBinary === undefined
      ? undefined
      : await readBundledCatalogEntry(options.codexBinary, codexHome);
  const entry = derived ? deriveMockModelEntry(derived) : builtInMockModelEntry();
  await writeFile(catalogFile, `${JSON.stringify({ models: [entry] }, null, 2)}\n`);
  await writeFile(
    configFile,
    buildCodexConfig({ modelServerUrl: options.modelServerUrl, catalogFile }),
  );
  return {
    codexHome,
    environment: { CODEX_HOME: codexHome },
    configFile,
    catalogFile,
    catalogSource: derived ? 'codex debug models' : 'built-in',
  };
}

/** The `/v1` base URL of the provider: the server URL without trailing slashes, plus `/v1`. */
export function providerBaseUrl(modelServerUrl: string): string {
  const trimmed = modelServerUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

export function buildCodexConfig(settings: {
  modelServerUrl: string;
  catalogFile: string;
}): string {
  const lines = [
    `model = ${tomlString(mockModelSlug)}`,
    `model_provider = ${tomlString(mockProviderId)}`,
    `model_catalog_json = ${tomlString(settings.catalogFile)}`,
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    'shell_snapshot = false',
    '',
    `[model_providers.${mockProviderId}]`,
    `name = ${tomlString('Scripted model server')}`,
    `base_url = ${tomlString(providerBaseUrl(settings.modelServerUrl))}`,
    `wire_api = ${tomlString('responses')}`,
    'request_max_retries = 0',
    'stream_max_retries = 0',
  ];
  return `${lines.join('\n')}\n`;
}

/** A TOML basic string: JSON string escapes are valid TOML escapes. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

type CatalogEntry = Record<string, unknown>;

/**
 * The fields Codex 0.169.0 requires in a catalog entry (found by leaving them out one at a
 * time), plus freeform apply_patch, a context window and a short base instruction.
 */
export function builtInMockModelEntry(): CatalogEntry {
  return {
    slug: mockModelSlug,
    display_name: 'Mock model',
    description: 'The scripted model server',
    base_instructions: baseInstructions,
    supported_reasoning_levels: [],
    default_reasoning_level: null,
    shell_type: 'unified_exec',
    apply_patch_tool_type: 'freeform',
    visibility: 'list',
    supported_in_api: true,
    priority: 1,
    support_verbosity: true,
    default_verbosity: 'low',
    truncation_policy: { mode: 'tokens', limit: 10_000 },
    context_window: 272_000,
    experimental_supported_tools: [],
    input_modalities: ['text'],
  };
}

/**
 * A real entry turned into `mock-model`: no upgrade prompt, no per-model messages, no service or
 * speed tiers, no reasoning levels, and a short base instruction.
 */
export function deriveMockModelEntry(entry: CatalogEntry): CatalogEntry {
  return {
    ...entry,
    slug: mockModelSlug,
    display_name: 'Mock model',
    description: 'The scripted model server',
    base_instructions: baseInstructions,
    upgrade: null,
    model_messages: null,
    service_tiers: [],
    additional_speed_tiers: [],
    supported_reasoning_levels: [],
    default_reasoning_level: null,
  };
}

/**
 * The bundled catalog entry to derive from: `gpt-5.5` when present, else the first entry with a
 * freeform apply_patch tool, else the first entry. Undefined when the binary cannot tell.
 */
async function readBundledCatalogEntry(
  codexBinary: string,
  codexHome: string,
): Promise<CatalogEntry | undefined> {
  let stdout: string;
  try {
    const result = await runFile(codexBinary, ['debug', 'models', '--bundled'], {
      env: { ...process.env, CODEX_HOME: codexHome },
      timeout: 30_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    stdout = result.stdout;
  } catch {
    return undefined;
  }
  const models = parseCatalogModels(stdout);
  return (
    models.find((model) => model['slug'] === 'gpt-5.5') ??
    models.find((model) => model['apply_patch_tool_type'] === 'freeform') ??
    models[0]
  );
}

function parseCatalogModels(text: string): CatalogEntry[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    const models = isRecord(parsed) ? parsed['models'] : undefined;
    return Array.isArray(models) ? models.filter(isRecord) : [];
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is CatalogEntry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A scratch folder for a provider test that runs the real codex: a CODEX_HOME for the scripted
 * model (the catalog derived from `codexBinary`), a `home`, the named `directories`, and the
 * environment to run codex in, carrying `marker` (`NAME=value`) to find its processes by.
 */
export async function createCodexTestFolder(options: {
  prefix: string;
  modelServerUrl: string;
  codexBinary?: string;
  directories: readonly string[];
  marker: string;
}): Promise<{ folder: string; environment: Record<string, string> }> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const folder = await mkdtemp(path.join(tmpdir(), options.prefix));
  for (const name of ['home', ...options.directories]) await mkdir(path.join(folder, name));
  const home = await createCodexHome({
    directory: path.join(folder, 'codex-home'),
    modelServerUrl: options.modelServerUrl,
    codexBinary: options.codexBinary,
  });
  const [markerName = '', markerValue = ''] = options.marker.split('=');
  const environment = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(folder, 'home'),
    ...home.environment,
    [markerName]: markerValue,
  };
  return { folder, environment };
}
