import { FieldProblem } from './errors';

/** How deep free-form JSON may nest below a top-level field (the contract's limit). */
export const MAX_JSON_DEPTH = 64;

const FREE_JSON = new Map<object, string[]>();

/**
 * Marks a property as free-form JSON (input, output, metadata, correctedOutput, rules, schemas):
 * the validation pipe checks only its outer shape and hands it to the service exactly as parsed.
 * class-transformer would copy it key by key (dropping `constructor` and `__proto__`, and
 * overflowing the stack on deep nesting), and Nest's ValidationPipe strips those keys in place.
 */
export function FreeJson(): PropertyDecorator {
  return (target, key) => {
    const own = FREE_JSON.get(target.constructor) ?? [];
    own.push(String(key));
    FREE_JSON.set(target.constructor, own);
  };
}

/** The free-form properties of a DTO class, inherited ones included. */
export function freeJsonKeys(metatype: unknown): string[] {
  const keys: string[] = [];
  for (
    let type = metatype as { prototype?: unknown } | null;
    typeof type === 'function';
    type = Object.getPrototypeOf(type) as typeof type
  )
    keys.push(...(FREE_JSON.get(type) ?? []));
  return keys;
}

/**
 * A stand-in with the same outer shape (object, array of the same length, or the primitive
 * itself), so shape validators such as @IsObject or @ArrayMaxSize still judge the real value,
 * while nothing below the surface is transformed.
 */
function standIn(value: unknown): unknown {
  if (Array.isArray(value)) return new Array<null>(value.length).fill(null);
  if (value !== null && typeof value === 'object') return {};
  return value;
}

/**
 * Splits a plain body into what may go through class-transformer (free-form values replaced by
 * stand-ins) and a function that puts the original values back onto the validated DTO.
 */
export function setAsideFreeJson(
  metatype: unknown,
  body: unknown,
): { body: unknown; restore: <T>(dto: T) => T } {
  const keys = freeJsonKeys(metatype);
  if (keys.length === 0 || body === null || typeof body !== 'object' || Array.isArray(body))
    return { body, restore: (dto) => dto };
  const source = body as Record<string, unknown>;
  const present = keys.filter((k) => Object.prototype.hasOwnProperty.call(source, k));
  // Own enumerable keys copied with defineProperty semantics (spread), so a "__proto__" key in the
  // body stays a plain key rather than setting the copy's prototype.
  const copy: Record<string, unknown> = { ...source };
  for (const key of present) copy[key] = standIn(source[key]);
  return {
    body: copy,
    restore: (dto) => {
      for (const key of present)
        Object.defineProperty(dto, key, {
          value: source[key],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return dto;
    },
  };
}

/**
 * Refuses a body nested deeper than MAX_JSON_DEPTH below any top-level field, before anything
 * else reads it. Iterative, so even a body nested 100 000 deep (which JSON.parse accepts) costs
 * no stack and answers 400, never a 500.
 */
export function depthProblem(body: unknown): FieldProblem | null {
  if (body === null || typeof body !== 'object') return null;
  // Three parallel stacks and plain loops: this runs on every request body (every element of a
  // 500-item batch), and Object.entries / Array.map allocated a pair per child for nothing.
  // Children are pushed in the same order as before, so the same field is named when several
  // are too deep. At depth 0 the value is the body itself: an array body names `[i]`.
  const values: object[] = [body];
  const depths: number[] = [0];
  const fields: string[] = ['body'];
  while (values.length > 0) {
    const value = values.pop()!;
    const depth = depths.pop()!;
    const field = fields.pop()!;
    // The top-level field's value is level 1, so a field holds at most MAX_JSON_DEPTH levels:
    // an `output` of 64 nested arrays is accepted, one of 65 is refused.
    if (depth > MAX_JSON_DEPTH)
      return { field, message: `${field} is nested more than ${MAX_JSON_DEPTH} levels deep` };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (child === null || typeof child !== 'object') continue;
        values.push(child);
        depths.push(depth + 1);
        fields.push(depth === 0 ? `[${i}]` : field);
      }
    } else {
      for (const key of Object.keys(value)) {
        const child: unknown = (value as Record<string, unknown>)[key];
        if (child === null || typeof child !== 'object') continue;
        values.push(child);
        depths.push(depth + 1);
        fields.push(depth === 0 ? key : field);
      }
    }
  }
  return null;
}
