/**
 * The OpenAPI vocabulary every controller and DTO uses, so the document stays complete and
 * consistent as routes are added:
 *
 * - `@ApiErrors(400, 403, 404)` documents the 4xx a route can answer, each with the one shared
 *   `Error` schema. 401 (every route that needs a token) and 400/413/415 (every route that takes a
 *   JSON body) are added to the document automatically by `buildOpenApiDocument`.
 * - `@ApiJsonProperty()` / `@ApiJsonPropertyOptional()` for free-form JSON (input, output, rules'
 *   `when`, schemas...): any JSON value, `unknown` in generated TypeScript, never `type: object`
 *   (which openapi-typescript turns into `Record<string, never>`).
 * - `@ApiJsonObjectProperty()` for a JSON object with any keys (metadata).
 */
import { applyDecorators } from '@nestjs/common';
import {
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
  type ApiPropertyOptions,
} from '@nestjs/swagger';

/** Name of the component schema that stands for "any JSON value" (an empty schema). */
export const JSON_VALUE_SCHEMA = 'JsonValue';

const JSON_VALUE_REF = { allOf: [{ $ref: getSchemaPath(JSON_VALUE_SCHEMA) }] };

type JsonPropertyOptions = Pick<ApiPropertyOptions, 'description' | 'example'>;

/** A required free-form JSON field: any JSON value (string, number, boolean, array, object, null). */
export const ApiJsonProperty = (options: JsonPropertyOptions = {}) =>
  ApiProperty({ ...options, ...JSON_VALUE_REF } as ApiPropertyOptions);

export const ApiJsonPropertyOptional = (options: JsonPropertyOptions = {}) =>
  ApiPropertyOptional({ ...options, ...JSON_VALUE_REF } as ApiPropertyOptions);

/** A JSON object with any keys and any JSON values (`{[key: string]: unknown}` in TypeScript). */
export const ApiJsonObjectProperty = (options: JsonPropertyOptions & { required?: boolean } = {}) =>
  ApiProperty({ type: 'object', additionalProperties: true, ...options } as ApiPropertyOptions);

/** One field problem of a 400. */
export class FieldProblemDto {
  @ApiProperty({ example: 'confidence' }) field!: string;
  @ApiProperty({ example: 'confidence must be between 0 and 1' }) message!: string;
}

/** Every error Verdict answers, whatever the route (see HttpExceptionFilter). */
@ApiSchema({ name: 'Error' })
export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({
    example: 'confidence must be between 0 and 1',
    description: 'human-readable; for a 400 it names every offending field',
  })
  message!: string;
  @ApiPropertyOptional({
    type: [FieldProblemDto],
    description: 'for a 400 on input: each offending field and what is wrong with it',
  })
  fields?: FieldProblemDto[];
  @ApiProperty({
    example: '3f0c2a4e-9a8b-4b1e-8d5c-1f2e3d4c5b6a',
    description: 'also in the X-Request-Id header and the server log',
  })
  requestId!: string;
}

/** What each status means on Verdict's routes; a route can say more with ApiResponse itself. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input; `message` and `fields` name each offending field',
  401: 'missing, invalid, expired or revoked token',
  403: 'the token may not do this (role, queue or scope)',
  404: 'not found, or not visible to this token',
  409: 'conflicts with the current state',
  410: 'gone',
  413: 'request body larger than 1 MiB',
  415: 'request body is not JSON (Content-Type: application/json)',
  422: 'well-formed but cannot be applied',
  429: 'too many requests; retry after the Retry-After header',
  503: 'a backing service is unavailable; retry later',
};

export function errorResponse(status: number, description?: string) {
  return {
    description: description ?? ERROR_DESCRIPTIONS[status] ?? 'error',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorDto) } } },
  };
}

/**
 * Documents the error statuses a route can answer, each with the shared `Error` schema.
 * Pass a number for the standard description, or `[status, description]` to be specific.
 */
export function ApiErrors(...statuses: (number | [number, string])[]) {
  return applyDecorators(
    ...statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, undefined];
      return ApiResponse({
        status,
        description: description ?? ERROR_DESCRIPTIONS[status] ?? 'error',
        type: ErrorDto,
      });
    }),
  );
}
