import Ajv, { ValidateFunction } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';

/**
 * `pattern` and `patternProperties` run on RE2 (re2js, a pure-JS port of Google's RE2): matching
 * is linear in the subject, so a pattern such as `^(a+)+$` cannot stall the event loop the way a
 * backtracking engine does. The native `re2` addon would be faster but needs a node-gyp build
 * at install; re2js installs as plain JavaScript. RE2 refuses backreferences and lookaround,
 * which is the price of the guarantee: such patterns are refused when the schema is saved.
 */
function re2(pattern: string, flags: string): { test(s: string): boolean; toString(): string } {
  const compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
  return {
    test: (s: string) => compiled.matcher(s).find(),
    // Ajv caches compiled patterns by this string.
    toString: () => `re2:/${pattern}/${flags}`,
  };
}
const re2Engine: RegExpEngine = Object.assign(re2, { code: 're2' });

const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: re2Engine } });
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();

/** Compiles (and caches by content) a JSON Schema; throws with Ajv's message when invalid. */
export function compileOutputSchema(schema: object | boolean): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

/** Keywords whose values are data, not schemas: a "pattern" key inside them is not a regex. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** Every regex of a schema with its field path (`outputSchema.properties.reply.pattern`). */
function regexesOf(schema: unknown, path: string, out: { field: string; pattern: string }[]) {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => regexesOf(s, `${path}[${i}]`, out));
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (DATA_KEYWORDS.has(key)) continue;
    const at = `${path}.${key}`;
    if (key === 'pattern' && typeof value === 'string') out.push({ field: at, pattern: value });
    else if (key === 'patternProperties' && value && typeof value === 'object') {
      for (const [pattern, sub] of Object.entries(value as Record<string, unknown>)) {
        out.push({ field: `${at}[${JSON.stringify(pattern)}]`, pattern });
        regexesOf(sub, `${at}[${JSON.stringify(pattern)}]`, out);
      }
    } else regexesOf(value, at, out);
  }
}

/** Null when the schema can be used; else the offending field and a sentence saying why. */
export function checkOutputSchema(
  schema: unknown,
  field = 'outputSchema',
): { field: string; message: string } | null {
  if (
    typeof schema !== 'boolean' &&
    (schema === null || typeof schema !== 'object' || Array.isArray(schema))
  ) {
    return { field, message: `${field} must be a JSON Schema object` };
  }
  const regexes: { field: string; pattern: string }[] = [];
  regexesOf(schema, field, regexes);
  for (const r of regexes) {
    try {
      re2(r.pattern, 'u');
    } catch (error) {
      return {
        field: r.field,
        message:
          `${r.field} cannot run in linear time (RE2 semantics; backreferences and lookaround ` +
          `are not supported): ${(error as Error).message}`,
      };
    }
  }
  try {
    compileOutputSchema(schema);
    return null;
  } catch (error) {
    return {
      field,
      message: `${field} is not a valid JSON Schema: ${(error as Error).message}`,
    };
  }
}

/** Null when the value passes, else Ajv's errors as one readable sentence. */
export function outputSchemaErrors(schema: object | boolean, value: unknown): string | null {
  let validate: ValidateFunction;
  try {
    validate = compileOutputSchema(schema);
  } catch (error) {
    // A schema stored before RE2 was enforced and RE2 cannot run: it can only make routing stricter.
    return `outputSchema cannot be applied: ${(error as Error).message}`;
  }
  if (validate(value)) return null;
  return ajv.errorsText(validate.errors, { dataVar: 'output' });
}
