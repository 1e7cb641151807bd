import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorDto, errorResponse, JSON_VALUE_SCHEMA } from '../common/openapi';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Operation = {
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

/**
 * The API description, built from the controllers' decorators. Deterministic: the same code gives
 * the same document, which is committed as openapi.json (`npm run openapi`) and served at /docs-json.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Verdict API')
      .setDescription(
        'Human-in-the-loop gate for AI outputs. See CONTRACT.md for the behaviour behind each route. ' +
          'Every error answers the `Error` schema; every route except login, health, version and ' +
          'metrics needs a bearer token.',
      )
      .setVersion('1')
      .setLicense('UNLICENSED', 'https://choosealicense.com/no-permission/')
      // Relative: the server that serves this document (e.g. http://localhost:3000 for npm start).
      .addServer('/', 'the Verdict server that serves this document')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description: "a user's access token (POST /v1/auth/login) or an API key (vk_…)",
        },
        'bearer',
      )
      .build(),
    {
      extraModels: [ErrorDto],
      // queuesCreate, ingestionSubmit...: readable names for generated clients.
      operationIdFactory: (controller: string, method: string) =>
        `${controller.charAt(0).toLowerCase()}${controller.slice(1).replace(/Controller$/, '')}` +
        `${method.charAt(0).toUpperCase()}${method.slice(1)}`,
    },
  );
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[JSON_VALUE_SCHEMA] = {
    description:
      'Any JSON value: object, array, string, number, boolean or null (stored exactly as sent).',
  };
  allowNullInNullableEnums(document.components);
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (operation) completeOperation(operation);
    }
  }
  return document;
}

/** What holds for every operation, so no route can forget it: security and the common errors. */
function completeOperation(operation: Operation): void {
  // @Public() routes carry the empty requirement `{}`; everything else needs the bearer token.
  const isPublic = operation.security?.some((r) => Object.keys(r).length === 0) ?? false;
  operation.security = isPublic ? [] : [{ bearer: [] }];
  const common: number[] = [];
  if (operation.requestBody) common.push(400, 413, 415);
  if (!isPublic) common.push(401);
  for (const status of common) operation.responses[String(status)] ??= errorResponse(status);
  // Errors are JSON even where the success is CSV or a file (@ApiProduces applies to every status).
  for (const [status, response] of Object.entries(operation.responses)) {
    const description = (response as { description?: string }).description;
    if (JSON.stringify(response).includes(`"${getSchemaPath(ErrorDto)}"`))
      operation.responses[status] = errorResponse(Number(status), description);
  }
  operation.responses = Object.fromEntries(
    Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * OpenAPI 3.0.3: `nullable` does not extend `enum`, so a nullable enum must list null itself or a
 * validator refuses the null the server sends (decidedBy, review.class...).
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) allowNullInNullableEnums(child);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as { nullable?: boolean; enum?: unknown[] };
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null))
    schema.enum.push(null);
  for (const child of Object.values(node)) allowNullInNullableEnums(child);
}
