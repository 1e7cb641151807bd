/**
 * What every operation of the committed openapi.json must say, so a route added later cannot
 * leave integrators guessing (the drift check in pretest keeps the file equal to the server's).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDocument } from './openapi-conformance';

const document = loadDocument() as unknown as {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Schema {
  type?: string;
  properties?: Record<string, Schema & { allOf?: { $ref: string }[]; items?: { $ref?: string } }>;
  required?: string[];
}

const PUBLIC = ['post /v1/auth/login', 'get /health', 'get /version', 'get /metrics'];
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({
    name: `${method} ${path}`,
    operation,
  })),
);

describe('openapi.json', () => {
  it('gives every operation a summary, a success schema and security', () => {
    assert.ok(operations.length >= 40);
    assert.ok(document.servers.length > 0);
    for (const { name, operation } of operations) {
      assert.ok(operation.summary, `${name} has a summary`);
      const success = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
      assert.ok(success.length > 0, `${name} documents a success`);
      for (const [status, response] of success)
        if (status !== '204')
          assert.ok(
            Object.values(response.content ?? {}).some((media) => media.schema),
            `${name} ${status} has a schema`,
          );
      assert.deepEqual(
        operation.security,
        PUBLIC.includes(name) ? [] : [{ bearer: [] }],
        `${name} security`,
      );
    }
  });

  it('answers every error through the one Error schema', () => {
    const error = document.components.schemas.Error;
    assert.deepEqual(error.required?.sort(), ['error', 'message', 'requestId', 'statusCode']);
    assert.ok(error.properties?.fields);
    for (const { name, operation } of operations) {
      const errors = Object.entries(operation.responses).filter(([status]) => /^4/.test(status));
      if (!['get /health', 'get /version', 'get /metrics'].includes(name))
        assert.ok(errors.length > 0, `${name} documents its 4xx`);
      if (!PUBLIC.includes(name)) assert.ok(operation.responses['401'], `${name} documents 401`);
      for (const [status, response] of errors)
        assert.deepEqual(
          response.content,
          { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          `${name} ${status}`,
        );
    }
  });

  it('types free-form JSON as any JSON value, rules as objects, and items with their reviews', () => {
    const { schemas } = document.components;
    assert.deepEqual(Object.keys(schemas.JsonValue), ['description']);
    const jsonValue = [{ $ref: '#/components/schemas/JsonValue' }];
    for (const [schema, field] of [
      ['SubmitItemDto', 'input'],
      ['SubmitItemDto', 'output'],
      ['ItemDto', 'output'],
      ['ItemDto', 'finalOutput'],
      ['DecisionDto', 'correctedOutput'],
      ['ReviewDto', 'correctedOutput'],
      ['PolicyRuleDto', 'when'],
      ['QueueView', 'outputSchema'],
    ])
      assert.deepEqual(schemas[schema].properties?.[field].allOf, jsonValue, `${schema}.${field}`);
    assert.equal(
      schemas.PolicyDto.properties?.rules.items?.$ref,
      '#/components/schemas/PolicyRuleDto',
    );
    assert.equal(
      schemas.ItemWithReviewsDto.properties?.reviews.items?.$ref,
      '#/components/schemas/ReviewDto',
    );
  });
});
