import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const ajv = new Ajv({ allErrors: true, strict: false });
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

export function checkOutputSchema(schema: unknown): string | null {
  if (
    typeof schema !== 'boolean' &&
    (schema === null || typeof schema !== 'object' || Array.isArray(schema))
  ) {
    return 'outputSchema must be a JSON Schema object';
  }
  try {
    compileOutputSchema(schema);
    return null;
  } catch (error) {
    return `outputSchema is not a valid JSON Schema: ${(error as Error).message}`;
  }
}

/** Null when the value passes, else Ajv's errors as one readable sentence. */
export function outputSchemaErrors(schema: object | boolean, value: unknown): string | null {
  const validate = compileOutputSchema(schema);
  if (validate(value)) return null;
  return ajv.errorsText(validate.errors, { dataVar: 'output' });
}
