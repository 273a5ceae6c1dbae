/**
 * Reads a Gemini API request body (what the Gemini CLI 0.61.0 sends through `@google/genai` to
 * `POST /v1beta/models/<model>:streamGenerateContent`) into the dialect-neutral ConversationView.
 *
 * The body holds `contents` (the whole history: `user` entries with `text` parts or
 * `functionResponse` parts, `model` entries with `text`, `thought` and `functionCall` parts),
 * `systemInstruction.parts[].text`, and `tools[].functionDeclarations[]` (`parameters` in the
 * API's own schema dialect, with upper-case types, or `parametersJsonSchema`). The CLI's first
 * user entry has two text parts: a `<session_context>` part it writes itself (date, OS, the
 * workspace directory), then the prompt. A tool result comes back as
 * `functionResponse.response.output`, wrapped in `<untrusted_context>…</untrusted_context>`; a
 * shell result reads `Output: …` followed by sections such as `Process Group PGID: …`.
 *
 * Side calls (the next-speaker check, the `auto` model router) are JSON-mode requests:
 * `generationConfig.responseMimeType: "application/json"` with a `responseJsonSchema`.
 */
import { asArray, asRecord, asString, findWorkingDirectory } from './json-values.js';
import type { JsonRecord } from './json-values.js';
import type { ConversationView, JsonSchema, ToolDescription } from './types.js';

type GeminiEntry =
  | { kind: 'user'; text: string }
  | { kind: 'model'; text: string }
  | { kind: 'tool'; outputs: string[] }
  | { kind: 'other' };

const sessionContextPattern = /^\s*<session_context>/;
/** How the CLI names the workspace in its `<session_context>` part and system prompt. */
const workspacePatterns: readonly RegExp[] = [
  /Workspace Directories:\**\s*\n\s*-\s*(\S[^\n]*)/,
  /(?:I'm currently working in the directory|current working directory(?: is)?)\s*:?\s*(\/[^\n]*)/i,
];
const shellSections = /^(?:Error|Exit Code|Signal|Background PIDs|Process Group PGID): /m;

/** The functions offered, with their parameter schemas as plain (lower-case) JSON schemas. */
export function readGeminiTools(body: JsonRecord): ToolDescription[] {
  return asArray(body['tools']).flatMap((tool) =>
    asArray(asRecord(tool)?.['functionDeclarations']).flatMap((entry): ToolDescription[] => {
      const declaration = asRecord(entry);
      const name = asString(declaration?.['name']);
      if (!declaration || !name) {
        return [];
      }
      const schema = declaration['parametersJsonSchema'] ?? declaration['parameters'];
      return [{ name, inputSchema: asRecord(lowerCaseTypes(schema)) }];
    }),
  );
}

/** The schema of a JSON-mode request (a side call), if this is one. */
export function readGeminiJsonSchema(body: JsonRecord): JsonSchema | undefined {
  const config = asRecord(body['generationConfig']);
  if (asString(config?.['responseMimeType']) !== 'application/json') {
    return undefined;
  }
  const schema = config?.['responseJsonSchema'] ?? config?.['responseSchema'];
  return asRecord(lowerCaseTypes(schema)) ?? { type: 'object' };
}

export function readGeminiConversation(body: JsonRecord): ConversationView {
  const contents = asArray(body['contents']);
  const entries = contents.flatMap((content) => classifyContent(asRecord(content)));
  const last = entries.at(-1);
  const newestUser = last?.kind === 'user' ? last : undefined;
  const outputsOf = (list: GeminiEntry[]): string[] =>
    list.flatMap((entry) => (entry.kind === 'tool' ? entry.outputs : []));
  return {
    messageCount: contents.length,
    newestUserPrompt: newestUser?.text ?? '',
    newestToolResults: last?.kind === 'tool' ? last.outputs : [],
    earlierUserPrompts: entries.flatMap((entry) =>
      entry.kind === 'user' && entry !== newestUser ? [entry.text] : [],
    ),
    toolOutputs: outputsOf(entries),
    tools: readGeminiTools(body),
    workingDirectory: findGeminiWorkspace(body),
    structuredOutputSchema: readGeminiJsonSchema(body),
  };
}

/**
 * The entries of one content. The CLI merges consecutive user turns into one content (after an
 * interrupted turn, the new prompt is appended to the unanswered one), so each text part of a
 * user content is a prompt of its own.
 */
function classifyContent(content: JsonRecord | undefined): GeminiEntry[] {
  const parts = asArray(content?.['parts']).flatMap((part) => {
    const record = asRecord(part);
    return record ? [record] : [];
  });
  const role = asString(content?.['role']) ?? 'user';
  const texts = parts.flatMap((part) =>
    part['thought'] === true
      ? []
      : asString(part['text']) !== undefined
        ? [String(part['text'])]
        : [],
  );
  if (role === 'model') {
    return [{ kind: 'model', text: texts.join('') }];
  }
  const responses = parts.flatMap((part) => {
    const response = asRecord(part['functionResponse']);
    return response ? [toolOutputText(asRecord(response['response']))] : [];
  });
  if (responses.length > 0) {
    return [{ kind: 'tool', outputs: responses }];
  }
  const prompts = texts.filter((text) => !sessionContextPattern.test(text));
  return prompts.length > 0
    ? prompts.map((text) => ({ kind: 'user', text: text.trim() }))
    : [{ kind: 'other' }];
}

/**
 * A function response as the text a tool printed: the `<untrusted_context>` wrapper removed, and
 * of a shell result only its `Output:` section (`(empty)` reads as nothing).
 */
export function toolOutputText(response: JsonRecord | undefined): string {
  const raw = response?.['output'] ?? response?.['error'] ?? response?.['content'];
  const text = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
  const unwrapped = text
    .replace(/^\s*<untrusted_context[^>]*>\s*/, '')
    .replace(/\s*<\/untrusted_context>\s*$/, '');
  if (!unwrapped.startsWith('Output: ')) {
    return unwrapped.trim();
  }
  const output = unwrapped.slice('Output: '.length);
  const end = output.search(shellSections);
  const section = (end === -1 ? output : output.slice(0, end)).trim();
  return section === '(empty)' ? '' : section;
}

function findGeminiWorkspace(body: JsonRecord): string | undefined {
  const system = asArray(asRecord(body['systemInstruction'])?.['parts']).map(
    (part) => asString(asRecord(part)?.['text']) ?? '',
  );
  const firstUser = asArray(asRecord(asArray(body['contents'])[0])?.['parts']).map(
    (part) => asString(asRecord(part)?.['text']) ?? '',
  );
  for (const text of [...firstUser, ...system]) {
    for (const pattern of workspacePatterns) {
      const directory = pattern.exec(text)?.[1]?.trim();
      if (directory) {
        return directory;
      }
    }
  }
  return findWorkingDirectory(system);
}

/** The API's schema dialect writes types in upper case (`OBJECT`); JSON schema in lower case. */
function lowerCaseTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(lowerCaseTypes);
  }
  const record = asRecord(schema);
  if (!record) {
    return schema;
  }
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [
      key,
      key === 'type' && typeof value === 'string' ? value.toLowerCase() : lowerCaseTypes(value),
    ]),
  );
}
