/**
 * A `NODE_OPTIONS=--import <file URL>` hook for a Node agent CLI under test: appends every TCP
 * connection it opens (host as asked for, before any lookup) to the JSON-lines file named by
 * `SUBAGENT_MCP_NETWORK_LOG`, so a test can prove the agent talked to nothing but the scripted
 * model server. Connections to local sockets (a `path`) are not network traffic and are skipped.
 */
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const logFile = process.env.SUBAGENT_MCP_NETWORK_LOG;
if (logFile) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const [first, second] = args;
    const options = Array.isArray(first) ? (first[0] ?? {}) : first;
    const entry =
      typeof options === 'object' && options !== null
        ? { host: options.host, port: options.port, path: options.path }
        : { host: typeof second === 'string' ? second : 'localhost', port: options };
    if (entry.path === undefined) {
      appendFileSync(logFile, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);
    }
    return connect.apply(this, args);
  };
}
