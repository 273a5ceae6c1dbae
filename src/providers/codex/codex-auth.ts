import { z } from 'zod';
import type { AuthState } from '../agent-provider.js';

export const codexLoginHint =
  'Log in with `codex login` (ChatGPT or API key), or set a model_provider in ~/.codex/config.toml';

/** `account/read` result (0.169.0): the stored login, and whether the provider needs one. */
export const codexAccountSchema = z.looseObject({
  account: z.looseObject({ type: z.string() }).nullish(),
  requiresOpenaiAuth: z.boolean().optional(),
});

/** The part of `config/read` that says what the active model provider needs. */
export const codexConfigSchema = z.looseObject({
  config: z.looseObject({
    model_provider: z.string().nullish(),
    model_providers: z
      .record(z.string(), z.looseObject({ env_key: z.string().nullish() }).nullish())
      .nullish(),
  }),
});

const apiKeyVariables = ['OPENAI_API_KEY', 'CODEX_API_KEY'];

/**
 * Whether Codex can call its model, from what app-server reports: a stored login (API key or
 * ChatGPT) is `ok`; a model provider that needs no OpenAI login is `ok` when the variable it
 * reads its key from (`env_key`) is set or it has none; an API key only in the environment is
 * `unknown` (app-server does not report it as an account).
 */
export function codexAuthFrom(
  account: unknown,
  config: unknown,
  environment: Readonly<Record<string, string | undefined>>,
): { auth: AuthState; reason?: string } {
  const parsedAccount = codexAccountSchema.safeParse(account);
  if (!parsedAccount.success) {
    return { auth: 'unknown', reason: `${codexLoginHint} (could not read the login state)` };
  }
  if (parsedAccount.data.account) return { auth: 'ok' };
  if (parsedAccount.data.requiresOpenaiAuth === false) {
    const parsedConfig = codexConfigSchema.safeParse(config);
    if (!parsedConfig.success) {
      return {
        auth: 'unknown',
        reason: 'No Codex login; fine if config.toml sets a model_provider that needs none.',
      };
    }
    const { model_provider: name, model_providers: providers } = parsedConfig.data.config;
    const envKey = name ? providers?.[name]?.env_key : undefined;
    if (!envKey || environment[envKey]) return { auth: 'ok' };
    return {
      auth: 'missing',
      reason: `Set ${envKey}: the model provider "${name}" in the Codex configuration reads its key from it.`,
    };
  }
  if (apiKeyVariables.some((name) => Boolean(environment[name]))) {
    return {
      auth: 'unknown',
      reason: `No Codex login; an API key is set in the environment. ${codexLoginHint}.`,
    };
  }
  return { auth: 'missing', reason: codexLoginHint };
}
