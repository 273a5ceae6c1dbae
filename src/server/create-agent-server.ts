import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerConfig } from '../config/index.js';
import { readPackageVersion } from '../package-version.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { RunService, SessionStore } from '../runs/index.js';
import type { ClientStreamLookup } from './progress/client-stream.js';
import { registerRunRecordResource } from './resources/run-record-resource.js';
import { registerListProvidersTool } from './tools/list-providers-tool.js';
import { registerResumeAgentTool } from './tools/resume-agent-tool.js';
import { registerRunAgentTool } from './tools/run-agent-tool.js';

export interface AgentServerDependencies {
  config: ServerConfig;
  registry: ProviderRegistry;
  runs: RunService;
  sessions: SessionStore;
  /** The stream carrying a request's messages, when the transport lends it (HTTP). */
  clientStreams?: ClientStreamLookup;
}

const instructions = `subagent-mcp runs other coding agents as sub-agents. Use run_agent to delegate a self-contained task and get the agent's final answer; resume_agent continues that session; list_providers shows what is installed. Runs can take minutes; progress notifications show what the sub-agent is doing.`;

/**
 * One MCP server (one per connection) exposing run_agent, resume_agent and list_providers, and
 * the run records of its runs as resources.
 */
export function createAgentServer(dependencies: AgentServerDependencies): McpServer {
  const server = new McpServer(
    { name: 'subagent-mcp', version: readPackageVersion() },
    { instructions },
  );
  const connectionRuns = registerRunRecordResource(server, dependencies.runs);
  registerRunAgentTool(server, { ...dependencies, connectionRuns });
  registerResumeAgentTool(server, { ...dependencies, connectionRuns });
  registerListProvidersTool(server, dependencies);
  return server;
}
