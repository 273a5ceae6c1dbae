/**
 * Tool arguments checked by us rather than by the SDK, so that a refusal reads exactly as it
 * always has on the wire (SDK 1.x wrote it; SDK 2 words and frames it differently): an
 * `isError` result whose text is
 *   "MCP error -32602: Input validation error: Invalid arguments for tool <tool>: <problems>"
 * with one line per problem, "<message> at <path>". The schema the client sees in tools/list is
 * the tool's zod schema, unchanged; the SDK hands the handler a CheckedInput instead of
 * refusing the call itself.
 */
import type {
  CallToolResult,
  StandardSchemaV1,
  StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';

export type CheckedInput<Value> = { ok: true; value: Value } | { ok: false; problems: string };

function describeIssue(issue: StandardSchemaV1.Issue): string {
  const path = (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
  return path === '' ? issue.message : `${issue.message} at ${path}`;
}

/** `schema` for registerTool: it accepts every argument object and says what was wrong with it. */
export function checkedToolInput<Schema extends z.ZodType>(
  schema: Schema,
): StandardSchemaWithJSON<z.input<Schema>, CheckedInput<z.output<Schema>>> {
  const standard = schema['~standard'];
  return {
    '~standard': {
      ...standard,
      async validate(value: unknown) {
        const result = await standard.validate(value);
        if (result.issues) {
          return { value: { ok: false, problems: result.issues.map(describeIssue).join('\n') } };
        }
        return { value: { ok: true, value: result.value } };
      },
    },
  } as unknown as StandardSchemaWithJSON<z.input<Schema>, CheckedInput<z.output<Schema>>>;
}

/** The answer to arguments that do not fit the tool's schema. */
export function invalidArgumentsResult(tool: string, problems: string): CallToolResult {
  const text = `MCP error -32602: Input validation error: Invalid arguments for tool ${tool}: ${problems}`;
  return { content: [{ type: 'text', text }], isError: true };
}
