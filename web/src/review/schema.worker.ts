/**
 * Compiles and runs a queue's outputSchema with Ajv (same settings as the server), in a worker:
 * Ajv generates code (new Function), which the app's Content-Security-Policy forbids on the page.
 * The server sends this one script with a policy that allows it, so eval stays out of the page.
 */
import * as ajvModule from 'ajv';
import * as formatsModule from 'ajv-formats';

type Validate = ((value: unknown) => boolean) & { errors?: unknown[] | null };
interface AjvLike {
  compile(schema: object | boolean): Validate;
  errorsText(errors: unknown, options: { dataVar: string }): string;
}
export interface SchemaRequest {
  id: number;
  schema: object | boolean;
  value: unknown;
}
export interface SchemaAnswer {
  id: number;
  problem: string | null;
}

// CommonJS interop: the constructor may sit on .default once or twice.
const unwrap = (m: unknown): unknown => {
  const d = (m as { default?: unknown }).default;
  return typeof m === 'function' ? m : d ? unwrap(d) : m;
};
const Ajv = unwrap(ajvModule) as new (options: object) => AjvLike;
const addFormats = unwrap(formatsModule) as (ajv: AjvLike) => void;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<string, Validate | null>();

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<SchemaRequest>) => void) | null;
  postMessage(answer: SchemaAnswer): void;
};

scope.onmessage = ({ data }) => {
  const key = JSON.stringify(data.schema);
  let validate = compiled.get(key);
  if (validate === undefined) {
    try {
      validate = ajv.compile(data.schema);
    } catch {
      // The server accepted this schema; if the browser cannot compile it, let the server judge.
      validate = null;
    }
    compiled.set(key, validate);
  }
  const problem =
    validate === null || validate(data.value)
      ? null
      : ajv.errorsText(validate.errors, { dataVar: 'output' });
  scope.postMessage({ id: data.id, problem });
};
