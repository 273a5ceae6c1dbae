/**
 * The JSON-RPC dialect of `codex app-server`: newline-delimited JSON without the `jsonrpc`
 * field, on the kit's connection (see json-rpc-connection.ts for how requests, the
 * app-server's own requests and the transcript work).
 */
import {
  createJsonRpcConnection,
  type JsonRpcConnection,
  type JsonRpcConnectionOptions,
  type JsonRpcIncomingRequest,
  type JsonRpcReply,
  type JsonRpcRequestOptions,
  type JsonRpcTranscriptEntry,
} from '../kit/json-rpc-connection.js';

export const codexPeerName = 'Codex app-server';

export type CodexTranscriptEntry = JsonRpcTranscriptEntry;
export type CodexServerRequest = JsonRpcIncomingRequest;
export type CodexServerReply = JsonRpcReply;
export type CodexRequestOptions = JsonRpcRequestOptions;
export type CodexAppServerClient = JsonRpcConnection;
export type CodexAppServerClientOptions = Omit<JsonRpcConnectionOptions, 'peerName' | 'jsonrpc'>;

export function createCodexAppServerClient(
  options: CodexAppServerClientOptions,
): CodexAppServerClient {
  return createJsonRpcConnection({ ...options, peerName: codexPeerName });
}
