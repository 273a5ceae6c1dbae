/** An agent server wired to an SDK Client over the SDK's in-memory transport pair. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { loadConfig, type ServerConfig } from '../../src/config/index.js';
import type { AgentProvider } from '../../src/providers/agent-provider.js';
import { createProviderRegistry } from '../../src/providers/provider-registry.js';
import { createRunService, createSessionStore, type RunService } from '../../src/runs/index.js';
import { createAgentServer } from '../../src/server/create-agent-server.js';

export interface InMemoryServer {
  client: Client;
  runs: RunService;
  config: ServerConfig;
  /** A fresh temporary directory, the only allowed root. */
  root: string;
  /** Connects a second client to a new server sharing the same state dir (a "restart"). */
  restart(): Promise<InMemoryServer>;
  close(): Promise<void>;
}

export async function startInMemoryServer(options: {
  providers: AgentProvider[];
  config?: Partial<ServerConfig>;
  environment?: Record<string, string | undefined>;
  root?: string;
  stateDir?: string;
  /** Set by `restart`: the state dir belongs to the first server, which removes it. */
  sharesStateDir?: boolean;
}): Promise<InMemoryServer> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'subagent-mcp-root-')));
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'subagent-mcp-state-')));
  const { config: loaded } = loadConfig({
    argv: ['--allowed-root', root, '--state-dir', stateDir],
    env: {},
    cwd: root,
  });
  const config: ServerConfig = {
    ...loaded,
    defaultProvider: options.providers[0]?.id ?? 'none',
    ...options.config,
  };
  const registry = createProviderRegistry(options.providers);
  const sessions = createSessionStore(config.stateDir);
  const runs = createRunService({
    config,
    registry,
    sessions,
    environment: options.environment ?? {},
  });
  const server = createAgentServer({ config, registry, runs, sessions });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(clientTransport);
  return {
    client,
    runs,
    config,
    root,
    restart: () => startInMemoryServer({ ...options, root, stateDir, sharesStateDir: true }),
    async close() {
      await runs.shutdown();
      await client.close();
      await server.close();
      if (!options.root) await rm(root, { recursive: true, force: true });
      if (!options.sharesStateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
