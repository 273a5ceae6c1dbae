/**
 * Builds tool inputs and structured-output values that satisfy the JSON schemas a client sent.
 */
import os from 'node:os';
import path from 'node:path';
import type { JsonSchema, ToolDescription } from './types.js';

export const defaultShellCommand = 'echo hello-from-tool';
export const mockFileName = 'mock-file.txt';

export interface ValueContext {
  workingDirectory: string | undefined;
  /** Value for string properties without a better-known meaning. */
  defaultString: string;
  /** Include optional object properties too (for structured output) instead of only required ones. */
  includeOptionalProperties: boolean;
}

export const escalationJustification = 'the scripted model wants to run this outside the sandbox';
export const patchedFileLine = 'patched by the scripted model';

/**
 * The tool named `Bash`, else Codex's `exec_command`, else the first tool whose name mentions
 * bash or shell (Codex's `shell_command` / `shell`, Gemini's `run_shell_command`).
 */
export function findShellTool(tools: ToolDescription[]): ToolDescription | undefined {
  return (
    tools.find((tool) => tool.name === 'Bash') ??
    tools.find((tool) => tool.name === 'exec_command') ??
    tools.find((tool) => /bash|shell/i.test(tool.name))
  );
}

/** The tool named `apply_patch` (any case), if offered. */
export function findPatchTool(tools: ToolDescription[]): ToolDescription | undefined {
  return findNamedTool(tools, 'apply_patch');
}

/** A patch in Codex's apply_patch format that adds `relativePath` with one line of text. */
export function buildAddFilePatch(relativePath: string): string {
  return `*** Begin Patch\n*** Add File: ${relativePath}\n+${patchedFileLine}\n*** End Patch\n`;
}

/**
 * Arguments for an apply_patch tool offered as a JSON function: the patch goes into the first
 * string property named `input` or `patch` (else the first required string property).
 */
export function buildPatchInput(
  tool: ToolDescription | undefined,
  patch: string,
): Record<string, unknown> {
  const properties = tool?.inputSchema?.properties ?? {};
  const required = tool?.inputSchema?.required ?? [];
  const name =
    ['input', 'patch'].find((candidate) => properties[candidate] !== undefined) ??
    required.find((candidate) => primaryType(properties[candidate] ?? {}) === 'string') ??
    'input';
  return { [name]: patch };
}

/** The tool with exactly this name, else the first one whose name matches ignoring case. */
export function findNamedTool(tools: ToolDescription[], name: string): ToolDescription | undefined {
  const lowerName = name.toLowerCase();
  return (
    tools.find((tool) => tool.name === name) ??
    tools.find((tool) => tool.name.toLowerCase() === lowerName)
  );
}

export interface ShellInputOptions {
  /** Ask to run outside the sandbox (Codex: `sandbox_permissions: "require_escalated"`). */
  escalate?: boolean;
}

/**
 * Input for a shell tool, with only the properties that the tool's schema declares (`command` and
 * `description` when the schema declares none):
 * - the command goes into `command` (a string, or `["bash", "-lc", cmd]` for an array schema) or
 *   into Codex's `cmd`;
 * - `description` gets a short text, `login` gets false (no login-shell noise in the output);
 * - when escalating, `sandbox_permissions` gets `require_escalated` and `justification` a reason.
 */
export function buildShellInput(
  tool: ToolDescription | undefined,
  command: string,
  options: ShellInputOptions = {},
): Record<string, unknown> {
  const properties = tool?.inputSchema?.properties;
  if (!properties) {
    return { command, description: 'Run a command' };
  }
  const input: Record<string, unknown> = {};
  const commandSchema = properties['command'];
  if (commandSchema) {
    input['command'] = primaryType(commandSchema) === 'array' ? ['bash', '-lc', command] : command;
  } else if (properties['cmd']) {
    input['cmd'] = command;
  }
  if (properties['description']) {
    input['description'] = 'Run a command';
  }
  if (properties['login']) {
    input['login'] = false;
  }
  if (options.escalate) {
    const permissions = properties['sandbox_permissions'];
    if (permissions) {
      const allowed = permissions.enum;
      input['sandbox_permissions'] =
        allowed?.find((value) => value === 'require_escalated') ??
        allowed?.find((value) => typeof value === 'string' && /escalat/i.test(value)) ??
        'require_escalated';
    }
    if (properties['justification']) {
      input['justification'] = escalationJustification;
    }
  }
  return input;
}

/** A minimal input that satisfies the tool's schema: every required property gets a value. */
export function buildMinimalToolInput(
  tool: ToolDescription | undefined,
  workingDirectory: string | undefined,
): Record<string, unknown> {
  const value = valueForSchema('', tool?.inputSchema ?? { type: 'object' }, {
    workingDirectory,
    defaultString: 'mock value',
    includeOptionalProperties: false,
  });
  return isPlainObject(value) ? value : {};
}

/** A value that fits a structured-output schema (strings become `Mock title`). */
export function buildStructuredOutputValue(schema: JsonSchema): unknown {
  return valueForSchema('', schema, {
    workingDirectory: undefined,
    defaultString: 'Mock title',
    includeOptionalProperties: true,
  });
}

export function valueForSchema(name: string, schema: JsonSchema, context: ValueContext): unknown {
  if (schema.const !== undefined) {
    return schema.const;
  }
  if (schema.enum && schema.enum.length > 0) {
    return schema.enum[0];
  }
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alternative && schema.type === undefined) {
    return valueForSchema(name, alternative, context);
  }
  const type = primaryType(schema) ?? (schema.properties ? 'object' : 'string');
  switch (type) {
    case 'string':
      return stringForProperty(name, context);
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const count = schema.minItems ?? 0;
      const itemSchema = schema.items ?? { type: 'string' };
      return Array.from({ length: count }, () => valueForSchema(name, itemSchema, context));
    }
    default:
      return objectForSchema(schema, context);
  }
}

function objectForSchema(schema: JsonSchema, context: ValueContext): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const result: Record<string, unknown> = {};
  for (const [propertyName, propertySchema] of Object.entries(properties)) {
    if (context.includeOptionalProperties || required.has(propertyName)) {
      result[propertyName] = valueForSchema(propertyName, propertySchema, context);
    }
  }
  return result;
}

function stringForProperty(name: string, context: ValueContext): string {
  switch (name) {
    case 'file_path':
    case 'filePath':
    case 'path':
    case 'notebook_path':
      return path.join(context.workingDirectory ?? os.tmpdir(), mockFileName);
    case 'content':
      return 'mock file content\n';
    case 'command':
      return defaultShellCommand;
    case 'description':
      return 'Run a command';
    case 'pattern':
      return '*';
    case 'url':
      return 'http://127.0.0.1/';
    default:
      return context.defaultString;
  }
}

function primaryType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) {
    return schema.type.find((type) => type !== 'null') ?? schema.type[0];
  }
  return schema.type;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
