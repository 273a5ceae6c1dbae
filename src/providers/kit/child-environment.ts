/** The environment a run starts from: the server's own plus the nesting depth counter. */
export type BaseEnvironment = Readonly<Record<string, string | undefined>>;
/** A provider's configured `env`. */
export type EnvironmentOverrides = Readonly<Record<string, string>> | undefined;

/** What every provider does to the environment it starts its agent with. */
export interface ChildEnvironmentRecipe {
  /**
   * Variables the provider's own CLI sets for the processes it starts (its shell tool, its MCP
   * servers — such as this server). Inherited by a nested agent they would make it part of the
   * enclosing session, so they are removed. Each provider lists and explains its own.
   */
  remove: readonly string[];
  /** Set after scrubbing; the configured overrides may still replace them. */
  defaults?: Readonly<Record<string, string>>;
  /** The provider's configured `env`: win over everything but `PWD`. */
  overrides?: EnvironmentOverrides;
  /** When given, `PWD` is set to it last (agents take their project root from `PWD`). */
  cwd?: string;
}

/**
 * The child environment for one agent: the base environment (the server's own plus the
 * nesting depth counter: API keys, config dirs, proxies and PATH stay) without the listed
 * variables and without unset ones, then the defaults, then the overrides, then `PWD`.
 * The base is not changed.
 */
export function buildChildEnvironment(
  base: BaseEnvironment,
  recipe: ChildEnvironmentRecipe,
): Record<string, string> {
  const removed: ReadonlySet<string> = new Set(recipe.remove);
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !removed.has(name)) environment[name] = value;
  }
  Object.assign(environment, recipe.defaults, recipe.overrides);
  if (recipe.cwd !== undefined) environment.PWD = recipe.cwd;
  return environment;
}
