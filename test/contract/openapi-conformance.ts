/**
 * Checks real answers against the committed openapi.json: the response schema the document gives
 * for (path, method, status) must accept the body the server sent.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DOCUMENT_PATH = join(__dirname, '..', '..', '..', 'openapi.json');

interface ResponseObject {
  content?: Record<string, { schema?: object }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { schemas: Record<string, object> };
}

export function loadDocument(): OpenApiDocument {
  return JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as OpenApiDocument;
}

export class Conformance {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument = loadDocument()) {
    // strict off: OpenAPI adds keywords (example) that are not JSON Schema; Ajv knows `nullable`.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: nullableRefs(document.components) }, 'openapi.json');
  }

  /** Throws, naming every mismatch, when the body does not match the documented schema. */
  check(path: string, method: string, status: number, body: unknown): void {
    const key = `${method} ${path} ${status}`;
    let validate = this.cache.get(key);
    if (!validate) {
      const response = this.document.paths[path]?.[method]?.responses[String(status)];
      if (!response) throw new Error(`openapi.json documents no ${status} for ${key}`);
      const schema = response.content?.['application/json']?.schema;
      if (!schema) throw new Error(`openapi.json gives no JSON schema for ${key}`);
      // Component references point into the registered document.
      const rebased = nullableRefs(
        JSON.parse(
          JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'),
        ),
      ) as object;
      validate = this.ajv.compile(rebased);
      this.cache.set(key, validate);
    }
    if (!validate(body))
      throw new Error(
        `${key}: the body does not match openapi.json: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
      );
  }
}

/**
 * `{nullable: true, allOf: [{$ref}]}` is how OpenAPI 3.0 tools (Nest, openapi-typescript, Swagger UI)
 * write "this object or null"; Ajv reads allOf strictly, so say it in JSON Schema terms.
 */
function nullableRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map((child: unknown) => nullableRefs(child)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, nullableRefs(value)]),
  ) as Record<string, unknown>;
  if (out.nullable === true && Array.isArray(out.allOf)) {
    const { allOf, nullable: _nullable, type: _type, ...rest } = out;
    return { ...rest, anyOf: [{ allOf }, { type: 'null' }] } as T;
  }
  return out as T;
}
