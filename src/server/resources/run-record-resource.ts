/**
 * Run records as MCP resources: `subagent-mcp://sessions/{session_id}/runs/{run}` reads the
 * JSON lines of a session's n-th run (docs/run-records.md). Anyone connected may read a record
 * whose session id they can name — ids are random, handed only to the caller of the run — and
 * `resources/list` shows only the runs made on this connection, so it never reveals an id.
 */
import {
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  type McpServer,
} from '@modelcontextprotocol/server';
import type { RunRecordReference, RunService } from '../../runs/index.js';

export const runRecordMimeType = 'application/x-ndjson';
const uriTemplate = 'subagent-mcp://sessions/{session_id}/runs/{run}';
const listedRunsLimit = 200;

export function runRecordUri({ sessionId, runNumber }: RunRecordReference): string {
  return `subagent-mcp://sessions/${sessionId}/runs/${runNumber}`;
}

export interface ListedRun extends RunRecordReference {
  /** e.g. `claude-code · completed` */
  summary: string;
}

/** The runs made on one connection, newest last, for `resources/list`. */
export interface ConnectionRuns {
  add(run: ListedRun): void;
}

export function registerRunRecordResource(
  server: McpServer,
  runs: Pick<RunService, 'readRecord'>,
): ConnectionRuns {
  const listed: ListedRun[] = [];
  server.registerResource(
    'run-record',
    new ResourceTemplate(uriTemplate, {
      list: () => ({
        resources: listed.toReversed().map((run) => ({
          uri: runRecordUri(run),
          name: `run ${run.runNumber} of ${run.sessionId}`,
          description: run.summary,
          mimeType: runRecordMimeType,
        })),
      }),
    }),
    {
      title: 'Sub-agent run record',
      description:
        'The events of one run_agent / resume_agent run as JSON lines (docs/events.md), ending with its run-end, which holds the whole answer.',
      mimeType: runRecordMimeType,
    },
    async (uri, variables) => {
      const reference = parseReference(variables);
      const text = reference && (await runs.readRecord(reference));
      if (text === undefined || text === '') {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `No run record at ${uri.href}: use a record_uri returned by run_agent or resume_agent (old records are removed when records.maxTotalBytes is reached).`,
        );
      }
      return { contents: [{ uri: uri.href, mimeType: runRecordMimeType, text }] };
    },
  );
  return {
    add(run) {
      listed.push(run);
      if (listed.length > listedRunsLimit) listed.shift();
      server.sendResourceListChanged();
    },
  };
}

function parseReference(
  variables: Record<string, string | string[]>,
): RunRecordReference | undefined {
  const sessionId = variables.session_id;
  const run = variables.run;
  if (typeof sessionId !== 'string' || typeof run !== 'string' || !/^\d{1,9}$/.test(run)) {
    return undefined;
  }
  return { sessionId, runNumber: Number(run) };
}
