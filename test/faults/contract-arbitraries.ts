// fast-check arbitraries for the API fuzz, read off the contract's own zod
// schemas: for each operation an input object with its fields, mostly
// plausible (real ids, enum members, hostile but absolute paths), now and
// then wrong (another type, out of bounds, a missing or an extra field).
// Follows the schema's structure only (zod 4 `_zod.def`), not its checks,
// so a new operation or field is fuzzed without touching this file.
import { join } from 'node:path';
import fc from 'fast-check';
import type { z } from 'zod';
import { CONTRACT } from '../../src-main/api/contract.ts';
import type { OperationName } from '../../src-main/api/operation-names.ts';

export interface ArbitraryContext {
  /** Paths worth trying wherever an operation reads a file. */
  readPaths: readonly string[];
  /** Where every path an operation writes (targetDir, dataDir) is put. */
  writeRoot: string;
}

type Def = {
  type: string; innerType?: z.ZodType; entries?: Record<string, string>; values?: unknown[];
  shape?: Record<string, z.ZodType>; element?: z.ZodType; options?: z.ZodType[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'readonly', 'nonoptional', 'catch', 'prefault']);
// Everything an operation may write goes under the fault run's own folder (packWork's file too).
const WRITE_KEYS = new Set(['targetDir', 'dataDir', 'file']);
const PATH_KEYS = new Set(['path', 'source', 'folder', 'model', 'ensemble', 'files', 'folders']);

/** Ids that exist (the seeded slide, its cells, the first jobs and annotators) far more often than not. */
const idNumber = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 40 }), weight: 8 },
  { arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, 9_999_999), weight: 1 },
);

const interestingNumber = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, -1, 1.5, 2 ** 31, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MIN_VALUE, 0.25, 60_000, 60_001),
  fc.integer({ min: -10, max: 50 }),
  fc.double({ noNaN: true }),
);

const wrong: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, '', -1, [], {}, '\u0000', '__proto__'));

export function contractArbitraries(context: ArbitraryContext) {
  function plausible(schema: z.ZodType, key: string, depth: number): fc.Arbitrary<unknown> {
    const def = defOf(schema);
    if (WRAPPERS.has(def.type)) return def.innerType ? plausible(def.innerType, key, depth) : wrong;
    switch (def.type) {
      case 'string':
        if (WRITE_KEYS.has(key)) return fc.string({ maxLength: 30 }).map((s) => join(context.writeRoot, s.replace(/\0/g, '')));
        if (PATH_KEYS.has(key)) return fc.oneof(fc.constantFrom(...context.readPaths), fc.string({ maxLength: 40 }).map((s) => `/${s}`));
        return fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('healthy', 'a', 'x'.repeat(129), ' \u200b ', 'Robert\'); DROP TABLE cells;--'));
      case 'number': case 'int':
        return /Id$|^limit$|^offset$/.test(key) ? idNumber : interestingNumber;
      case 'boolean': return fc.boolean();
      case 'enum': return fc.constantFrom(...Object.values(def.entries ?? { x: 'x' }));
      case 'literal': return fc.constantFrom(...(def.values ?? [null]));
      case 'array':
        return depth > 3 || !def.element ? fc.array(fc.jsonValue(), { maxLength: 3 }) : fc.array(near(def.element, key, depth + 1), { maxLength: 4 });
      case 'object': return depth > 3 ? fc.object() : object(def.shape ?? {}, depth + 1);
      case 'union': return fc.oneof(...(def.options ?? []).map((o) => near(o, key, depth + 1)));
      default: return wrong;
    }
  }

  /** Mostly plausible, one time in sixteen anything. */
  function near(schema: z.ZodType, key: string, depth: number): fc.Arbitrary<unknown> {
    return fc.oneof({ arbitrary: plausible(schema, key, depth), weight: 15 }, { arbitrary: wrong, weight: 1 });
  }

  function object(shape: Record<string, z.ZodType>, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, near(v, k, depth)]));
    // Required fields are there nearly always (a missing one is just one more bad-input); optional ones come and go.
    const required = Object.entries(shape).filter(([, v]) => !['optional', 'default'].includes(defOf(v).type)).map(([k]) => k);
    const record = fc.tuple(fc.record(fields, { requiredKeys: required }), fc.integer({ min: 0, max: 29 }), fc.jsonValue())
      .map(([value, dice, extra]) => {
        if (dice === 0 && required.length > 0) delete value[required[0]!];
        // Now and then an extra key, misspelt or hostile.
        if (dice === 1) return { ...value, [['zzz', '__proto__', 'constructor', 'slideid', ''][depth % 5]!]: extra };
        return value;
      });
    return record;
  }

  /** The schema's own object, whatever wraps it (refinements keep the object in zod 4). */
  function inputShape(operation: OperationName): Record<string, z.ZodType> {
    let schema: z.ZodType = CONTRACT[operation].input;
    for (let i = 0; i < 5 && defOf(schema).type !== 'object'; i++) schema = defOf(schema).innerType ?? schema;
    return defOf(schema).shape ?? {};
  }

  return {
    /** An input for `operation` shaped near its schema. */
    inputNear: (operation: OperationName): fc.Arbitrary<Record<string, unknown>> => object(inputShape(operation), 0),
  };
}
