/**
 * Environment variables that point the real opencode (1.18.33) at the scripted model server's
 * Chat Completions dialect, with isolated state and no traffic beyond 127.0.0.1:
 * - `XDG_DATA_HOME`, `XDG_CONFIG_HOME`, `XDG_CACHE_HOME`, `XDG_STATE_HOME` under `directory`
 *   (sessions live in `$XDG_DATA_HOME/opencode/opencode.db`, so two opencode processes given the
 *   same environment share their sessions); the caller sets `HOME` itself;
 * - `OPENCODE_CONFIG_CONTENT`: the only enabled provider is `mock` (`@ai-sdk/openai-compatible`,
 *   bundled in the binary) at `<modelServerUrl>/v1`, model and small model `mock/mock-model`,
 *   autoupdate off, sharing disabled;
 * - the switches for opencode's startup network calls: `OPENCODE_DISABLE_MODELS_FETCH` (the
 *   models catalog), `OPENCODE_DISABLE_AUTOUPDATE`, `OPENCODE_DISABLE_SHARE`,
 *   `OPENCODE_DISABLE_LSP_DOWNLOAD`, and `OPENCODE_DISABLE_PROJECT_CONFIG` (an `opencode.json` or
 *   `.opencode/` in the project under test can neither change the provider nor trigger a plugin
 *   install);
 * - a pre-seeded `$XDG_CONFIG_HOME/opencode/{package.json,package-lock.json,node_modules/}`:
 *   without it opencode runs a background `npm install @opencode-ai/plugin` into its config
 *   directory (it only checks that `node_modules` exists and that the lock file lists the same
 *   dependency names).
 *
 * Start opencode with `{...process.env, HOME: <isolated home>, ...environment}`; for
 * `opencode run`, pass `--dir <project>` (it prefers `$PWD` over its process cwd) and the prompt
 * on stdin; for `opencode serve`, put `?directory=<project>` on every call.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The model reference (`provider/model`) that the environment makes opencode's default. */
export const opencodeMockModel = 'mock/mock-model';
export const opencodeMockProviderId = 'mock';
export const opencodeMockModelId = 'mock-model';
/** The dummy API key opencode sends as `Authorization: Bearer mock-key`. */
export const opencodeMockApiKey = 'mock-key';
/** The opencode version whose plugin package the stubbed config directory claims to hold. */
export const opencodePluginVersion = '1.18.33';

export interface OpencodeEnvironmentOptions {
  /** Root of the isolated state; the XDG directories are created under it (with parents). */
  directory: string;
  /** The scripted model server's URL, e.g. `http://127.0.0.1:43123` (`/v1` is appended). */
  modelServerUrl: string;
}

export interface OpencodeEnvironment {
  /** Variables to add to opencode's environment (on top of an isolated `HOME`). */
  environment: Record<string, string>;
  /** The config passed as `OPENCODE_CONFIG_CONTENT`. */
  config: OpencodeConfig;
  /** The isolated directories (absolute). */
  dataDirectory: string;
  configDirectory: string;
  cacheDirectory: string;
  stateDirectory: string;
}

export interface OpencodeConfig {
  model: string;
  small_model: string;
  autoupdate: boolean;
  share: 'disabled';
  enabled_providers: string[];
  provider: Record<string, unknown>;
}

export async function createOpencodeEnvironment(
  options: OpencodeEnvironmentOptions,
): Promise<OpencodeEnvironment> {
  const root = path.resolve(options.directory);
  const dataDirectory = path.join(root, 'xdg-data');
  const configDirectory = path.join(root, 'xdg-config');
  const cacheDirectory = path.join(root, 'xdg-cache');
  const stateDirectory = path.join(root, 'xdg-state');
  for (const directory of [dataDirectory, configDirectory, cacheDirectory, stateDirectory]) {
    await mkdir(directory, { recursive: true });
  }
  await seedPluginInstall(path.join(configDirectory, 'opencode'));

  const config = buildOpencodeConfig(options.modelServerUrl);
  return {
    environment: {
      XDG_DATA_HOME: dataDirectory,
      XDG_CONFIG_HOME: configDirectory,
      XDG_CACHE_HOME: cacheDirectory,
      XDG_STATE_HOME: stateDirectory,
      OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_PROJECT_CONFIG: '1',
    },
    config,
    dataDirectory,
    configDirectory,
    cacheDirectory,
    stateDirectory,
  };
}

/** The provider config: `mock/mock-model` served by the scripted model server. */
export function buildOpencodeConfig(modelServerUrl: string): OpencodeConfig {
  return {
    model: opencodeMockModel,
    small_model: opencodeMockModel,
    autoupdate: false,
    share: 'disabled',
    enabled_providers: [opencodeMockProviderId],
    provider: {
      [opencodeMockProviderId]: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Mock (scripted model server)',
        options: {
          baseURL: opencodeProviderBaseUrl(modelServerUrl),
          apiKey: opencodeMockApiKey,
        },
        models: {
          [opencodeMockModelId]: {
            name: 'Mock Model',
            tool_call: true,
            limit: { context: 128_000, output: 4096 },
          },
        },
      },
    },
  };
}

/** The provider's base URL: the server URL without trailing slashes or `/v1`, plus `/v1`. */
export function opencodeProviderBaseUrl(modelServerUrl: string): string {
  return `${modelServerUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1`;
}

/**
 * Makes opencode's config directory look as if `@opencode-ai/plugin` were installed, so that it
 * skips its background `npm install` (which would reach the npm registry).
 */
async function seedPluginInstall(opencodeConfigDirectory: string): Promise<void> {
  await mkdir(path.join(opencodeConfigDirectory, 'node_modules'), { recursive: true });
  const dependencies = { '@opencode-ai/plugin': opencodePluginVersion };
  await writeFile(
    path.join(opencodeConfigDirectory, 'package.json'),
    `${JSON.stringify({ dependencies }, null, 2)}\n`,
  );
  await writeFile(
    path.join(opencodeConfigDirectory, 'package-lock.json'),
    `${JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies } } }, null, 2)}\n`,
  );
}
