import { McpServer, type ProtocolEra } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../config/index.js';
import { readPackageVersion } from '../package-version.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { RunService, SessionStore } from '../runs/index.js';
import type { ClientStreamLookup } from './progress/client-stream.js';
import { registerRunRecordResource } from './resources/run-record-resource.js';
import { createBackgroundRunService } from './tasks/background-run-service.js';
import type { BackgroundRuns } from './tasks/background-runs.js';
import { registerTasksMethods, tasksCapabilities } from './tasks/serve-tasks.js';
import type { TasksExtension } from './tasks/tasks-extension.js';
import { registerCancelAgentTool } from './tools/cancel-agent-tool.js';
import { registerListProvidersTool } from './tools/list-providers-tool.js';
import { registerResumeAgentTool } from './tools/resume-agent-tool.js';
import { registerRunAgentTool } from './tools/run-agent-tool.js';
import { registerWaitAgentTool } from './tools/wait-agent-tool.js';

export interface AgentServerDependencies {
  config: ServerConfig;
  registry: ProviderRegistry;
  runs: RunService;
  sessions: SessionStore;
  /** The stream carrying a request's messages, when the transport lends it (HTTP). */
  clientStreams?: ClientStreamLookup;
  /**
   * The process's background runs, shared by its connections (so a run outlives the HTTP
   * session that started it). Default: runs of this server alone.
   */
  background?: BackgroundRuns;
  /** Who this connection is (the HTTP bearer token's fingerprint): it sees only its own runs. */
  owner?: string;
  /** The protocol era this server speaks (the SDK picks it from the client's opening). */
  era?: ProtocolEra;
  /**
   * The process's MCP tasks (over `background`): a 2026-07-28 server offers the Tasks extension
   * and answers a run_agent / resume_agent call that asks for a task with one.
   */
  tasks?: TasksExtension;
}

const instructions = `subagent-mcp runs other coding agents as sub-agents. Use run_agent to delegate a self-contained task and get the agent's final answer; resume_agent continues that session; list_providers shows what is installed. Runs can take minutes; progress notifications show what the sub-agent is doing. To keep working meanwhile (or fan out several runs), pass background: true and collect each result later with wait_agent (cancel_agent stops one).`;

/**
 * One MCP server (one per connection) exposing run_agent, resume_agent, wait_agent,
 * cancel_agent and list_providers, and the run records of its runs as resources.
 */
export function createAgentServer(dependencies: AgentServerDependencies): McpServer {
  const tasks = dependencies.era === 'modern' ? dependencies.tasks : undefined;
  const server = new McpServer(
    { name: 'subagent-mcp', version: readPackageVersion() },
    { instructions, ...(tasks && { capabilities: tasksCapabilities }) },
  );
  if (tasks) registerTasksMethods(server, tasks, dependencies.owner);
  const connectionRuns = registerRunRecordResource(server, dependencies.runs);
  const context = {
    ...dependencies,
    connectionRuns,
    background:
      dependencies.background ?? createBackgroundRunService(dependencies.runs, dependencies.config),
    listedRuns: new Set<string>(),
    tasks,
  };
  registerRunAgentTool(server, context);
  registerResumeAgentTool(server, context);
  registerWaitAgentTool(server, context);
  registerCancelAgentTool(server, context);
  registerListProvidersTool(server, dependencies);
  return server;
}
