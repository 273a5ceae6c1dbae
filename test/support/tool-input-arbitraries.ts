/**
 * fast-check arbitraries of tool arguments built from a tool's input schema as `tools/list`
 * gives it (JSON Schema), so a tool added later is fuzzed too. `invalidArguments` always makes
 * one change that the server must refuse — a required key missing, a key of the wrong type or
 * out of range, or (keyed by property name) a value this server refuses after the schema: a
 * blank prompt, a NUL character, a relative/missing/outside cwd, an unknown provider or
 * session — mixed with nasty noise: unknown keys, `__proto__`/`constructor` keys, strings of
 * MBs, NUL characters, lone surrogates, deep nesting, numbers out of range, arrays where
 * objects go.
 */
import fc from 'fast-check';

export interface PropertySchema {
  type?: string;
  enum?: unknown[];
  minLength?: number;
  exclusiveMinimum?: number;
  minimum?: number;
}

export interface ToolInputSchema {
  type?: string;
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

export interface FuzzContext {
  /** The server's only allowed root (an existing directory). */
  root: string;
  /** The ids list_providers would give: an "unknown provider" is none of them. */
  knownProviders: readonly string[];
}

/** Arguments as sent (`arguments` is not always an object) and the change that makes them invalid. */
export interface FuzzCase {
  args: unknown;
  change: string;
}

/** Sizes of the strings of MBs: most within a message, a few over the 10 MiB stdio limit. */
const megabyte = 1024 * 1024;

const loneSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((code) => String.fromCharCode(code));
const nastyUnit = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 1 }), weight: 6 },
  { arbitrary: loneSurrogate, weight: 1 },
  { arbitrary: fc.constantFrom('\u0000', '\n', '\r', '"', '\\', '\u2028', '\ufeff'), weight: 1 },
);
const shortString = fc.string({ unit: nastyUnit, maxLength: 40 });

/**
 * `length` characters: a short printable piece repeated, with a nasty short string (NUL, lone
 * surrogates…) spliced in at a random place. Escaping MBs of nasty characters only costs JSON
 * time on both sides, not coverage.
 */
const hugeString = (minLength: number, maxLength: number) =>
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }),
      shortString,
      fc.integer({ min: minLength, max: maxLength }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    )
    .map(([unit, nasty, length, where]) => {
      const piece = unit || 'x';
      const filler = piece.repeat(Math.ceil(length / piece.length)).slice(0, length);
      const at = Math.floor(where * length);
      return `${filler.slice(0, at)}${nasty}${filler.slice(at + nasty.length)}`;
    });

/** Mostly short; one in a thousand is MBs long (more would only slow the run down). */
const nastyString = fc.oneof(
  { arbitrary: shortString, weight: 900 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\t\n',
      '__proto__',
      'constructor',
      '../../..',
      '/',
      'acp:',
      'sa_',
    ),
    weight: 100,
  },
  { arbitrary: hugeString(megabyte, 4 * megabyte), weight: 1 },
);

const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    -1,
    1e308,
    -1e308,
    5e-324,
    2 ** 53 + 1,
    Number.MAX_VALUE,
    -Number.MIN_VALUE,
  ),
);

/** `[[[…]]]` or `{"a":{"a":…}}`, up to a thousand deep (deeper only costs JSON time, superlinear in V8). */
const deeplyNested = fc
  .tuple(fc.integer({ min: 50, max: 1000 }), fc.boolean())
  .map(([depth, asArrays]) => {
    let value: unknown = 'bottom';
    for (let level = 0; level < depth; level++) value = asArrays ? [value] : { a: value };
    return value;
  });

/** An object whose own keys are `__proto__` and `constructor` (as JSON.parse makes them). */
const prototypeKeys = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }))
  .map(
    ([first, second]) =>
      JSON.parse(
        `{"__proto__":${JSON.stringify(first) ?? 'null'},"constructor":{"prototype":${JSON.stringify(second) ?? 'null'}}}`,
      ) as unknown,
  );

/** Any value at all, of any JSON type. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 6 },
  { arbitrary: nastyNumber, weight: 3 },
  { arbitrary: fc.constantFrom(true, false, null), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }), weight: 1 },
  { arbitrary: deeplyNested, weight: 1 },
  { arbitrary: prototypeKeys, weight: 1 },
);

const unknownKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    'PROMPT',
    'prompt ',
  ),
  shortString,
);

/** A value of a JSON type other than the property's. */
function wrongType(schema: PropertySchema): fc.Arbitrary<unknown> {
  const others = {
    string: fc.oneof(
      nastyNumber,
      fc.constantFrom(true, false, null),
      fc.array(shortString, { maxLength: 3 }),
      prototypeKeys,
      deeplyNested,
    ),
    number: fc.oneof(
      nastyString,
      fc.constantFrom(true, false, null),
      fc.array(nastyNumber, { maxLength: 3 }),
      prototypeKeys,
    ),
    boolean: fc.oneof(nastyString, nastyNumber, fc.constant(null), fc.array(fc.boolean())),
  };
  return others[schema.type as keyof typeof others] ?? fc.constantFrom(undefined);
}

/** A value of the right type but outside the schema's range, when it has one. */
function outOfRange(schema: PropertySchema): fc.Arbitrary<unknown> | undefined {
  if (schema.enum) return nastyString.filter((value) => !schema.enum!.includes(value));
  if (schema.type === 'string' && (schema.minLength ?? 0) > 0) return fc.constant('');
  if (schema.type === 'number' && schema.exclusiveMinimum !== undefined)
    return fc.double({ max: schema.exclusiveMinimum, noNaN: true });
  if (schema.type === 'number' && schema.minimum !== undefined)
    return fc.double({ max: schema.minimum, maxExcluded: true, noNaN: true });
  return undefined;
}

/** A value the schema may accept (or not): its enum, or any string/number. */
function plausible(schema: PropertySchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'string') return nastyString;
  if (schema.type === 'number') return nastyNumber;
  return nastyValue;
}

const withNul = shortString.map((text) => {
  const at = Math.floor(text.length / 2);
  return `${text.slice(0, at)}\u0000${text.slice(at)}`;
});
const alphanumeric = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  minLength: 1,
  maxLength: 12,
});

/** Values this server refuses after the schema accepted them, by property name. */
function refusedValues(name: string, context: FuzzContext): Record<string, fc.Arbitrary<unknown>> {
  switch (name) {
    case 'prompt':
      return { 'a blank prompt': fc.constantFrom('', ' ', '\n\t '), 'a NUL in prompt': withNul };
    case 'model':
      return { 'a NUL in model': withNul.map((text) => `m${text}`) };
    case 'instructions':
      return { 'a NUL in instructions': withNul };
    case 'cwd':
      return {
        'a NUL in cwd': withNul.map((text) => `${context.root}/${text}`),
        'a relative cwd': fc.oneof(
          shortString.filter((text) => !text.startsWith('/')),
          fc.constantFrom('.', '..', 'sub/dir'),
        ),
        'a missing cwd': alphanumeric.map((name) => `${context.root}/no-such-${name}`),
        'a cwd outside the root': fc.constantFrom('/', '/etc', '/tmp', '/proc/self'),
      };
    case 'provider':
      return {
        'an unknown provider': fc
          .oneof(nastyString, fc.constantFrom('acp:', 'acp:nope', 'Claude-Code', 'claude-code '))
          .filter((id) => !context.knownProviders.includes(id)),
      };
    case 'session_id':
      // No session exists while the fuzz runs: every id is unknown.
      return {
        'an unknown session': fc.oneof(
          nastyString,
          alphanumeric.map((text) => `sa_${text.padEnd(22, 'A')}`),
        ),
      };
    default:
      return {};
  }
}

/** The changes that make arguments invalid, each naming itself. */
function invalidatingChanges(schema: ToolInputSchema, context: FuzzContext) {
  const changes: fc.Arbitrary<{ change: string; key: string; value?: unknown; remove?: true }>[] =
    [];
  for (const key of schema.required ?? [])
    changes.push(fc.constant({ change: `missing ${key}`, key, remove: true }));
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    changes.push(
      wrongType(property).map((value) => ({ change: `${key} of a wrong type`, key, value })),
    );
    const range = outOfRange(property);
    if (range) changes.push(range.map((value) => ({ change: `${key} out of range`, key, value })));
    for (const [change, refused] of Object.entries(refusedValues(key, context)))
      changes.push(refused.map((value) => ({ change, key, value })));
  }
  return changes;
}

/** Arguments that are not an object at all (the SDK 1.x answers them with JSON-RPC -32603). */
const notAnObject = fc.oneof(
  fc.array(nastyValue, { maxLength: 4 }),
  nastyString,
  nastyNumber,
  fc.constantFrom(true, false, null),
);

/** Sets an own property, `__proto__` included, as JSON.parse would. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Arguments the server must refuse (`change` says why); with no way to make an object
 * invalid (a tool without properties), any object with unknown keys — the server must answer
 * it as a valid call — or no object at all.
 */
export function fuzzCases(schema: ToolInputSchema, context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const properties = Object.entries(schema.properties ?? {});
  const base = fc.tuple(
    ...properties.map(([, property]) =>
      fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 2 },
        { arbitrary: plausible(property), weight: 3 },
        { arbitrary: wrongType(property), weight: 1 },
      ),
    ),
  );
  const unknownKeys = fc.array(fc.tuple(unknownKey, nastyValue), { maxLength: 4 });
  const changes = invalidatingChanges(schema, context);
  const objectCase = fc
    .tuple(base, unknownKeys, changes.length > 0 ? fc.oneof(...changes) : fc.constant(undefined))
    .map(([values, extra, invalidating]): FuzzCase => {
      const args: Record<string, unknown> = {};
      for (const [key, value] of extra) setOwn(args, key, value);
      properties.forEach(([key], index) => {
        if (values[index] !== undefined) setOwn(args, key, values[index]);
      });
      if (invalidating?.remove) delete args[invalidating.key];
      else if (invalidating) setOwn(args, invalidating.key, invalidating.value);
      return { args, change: invalidating?.change ?? 'none: unknown keys only' };
    });
  return fc.oneof(
    { arbitrary: objectCase, weight: 1200 },
    {
      arbitrary: notAnObject.map((args) => ({ args, change: 'arguments not an object' })),
      weight: 40,
    },
    {
      // Over the 10 MiB stdio message limit: answered with a JSON-RPC error, never read.
      arbitrary: fc
        .tuple(objectCase, hugeString(10.5 * megabyte, 11 * megabyte))
        .map(([fuzzCase, huge]) => ({
          ...fuzzCase,
          args: { ...(fuzzCase.args as object), padding: huge },
        })),
      weight: 1,
    },
  );
}

/** Whether a tool's arguments can be invalid as an object (else every object is a valid call). */
export function hasInvalidObjects(schema: ToolInputSchema): boolean {
  return Object.keys(schema.properties ?? {}).length > 0 || (schema.required?.length ?? 0) > 0;
}
