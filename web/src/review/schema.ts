/**
 * Checks a correction against the queue's outputSchema in the browser, with the same Ajv
 * settings as the server, so a reviewer sees the problem before sending. Ajv is loaded only
 * when a correction is first checked, keeping it out of the main bundle.
 */
type Validate = ((value: unknown) => boolean) & { errors?: unknown[] | null };
interface AjvLike {
  compile(schema: object | boolean): Validate;
  errorsText(errors: unknown, options: { dataVar: string }): string;
}

let ajvPromise: Promise<AjvLike> | null = null;
const compiled = new Map<string, Validate>();

function loadAjv(): Promise<AjvLike> {
  ajvPromise ??= Promise.all([import('ajv'), import('ajv-formats')]).then(
    ([ajvModule, formatsModule]) => {
      // CommonJS interop: the constructor may sit on .default once or twice.
      const unwrap = (m: unknown): unknown => {
        const d = (m as { default?: unknown }).default;
        return typeof m === 'function' ? m : d ? unwrap(d) : m;
      };
      const Ajv = unwrap(ajvModule) as new (options: object) => AjvLike;
      const addFormats = unwrap(formatsModule) as (ajv: AjvLike) => void;
      const ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
      return ajv;
    },
  );
  return ajvPromise;
}

/** Null when the value passes (or there is no schema), else a readable list of problems. */
export async function schemaErrors(schema: unknown, value: unknown): Promise<string | null> {
  // A queue's outputSchema is any JSON value in the API; only an object or boolean is a schema.
  if (schema === null || (typeof schema !== 'object' && typeof schema !== 'boolean')) return null;
  const ajv = await loadAjv();
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch {
      // The server accepted this schema; if the browser cannot compile it, let the server judge.
      return null;
    }
    compiled.set(key, validate);
  }
  if (validate(value)) return null;
  return ajv.errorsText(validate.errors, { dataVar: 'output' });
}
