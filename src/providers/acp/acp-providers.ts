import type { AgentProvider } from '../agent-provider.js';
import { resolveAcpAgents } from './acp-agent-recipe.js';
import { createAcpProvider } from './acp-provider.js';
import type { AcpAgentSettings } from './acp-settings.js';

/**
 * One provider `acp:<name>` per configured ACP agent, and per preset whose command is found
 * in `environment` (the server's own).
 */
export function createAcpProviders(
  configured: Readonly<Record<string, AcpAgentSettings>>,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): AgentProvider[] {
  return resolveAcpAgents(configured, environment).map((recipe) => createAcpProvider(recipe));
}
