/**
 * What the fast-path property tests compare: the global pipe with its registered fast paths
 * against the same pipe without them (depth check, free JSON set aside, class-validator). Both
 * must give the same DTO, or the same 400 with the same messages.
 */
import { HttpException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import {
  createValidationPipe,
  VALIDATION_OPTIONS,
  VerdictValidationPipe,
} from '../../src/common/validation';

export const stock = new VerdictValidationPipe(VALIDATION_OPTIONS, false);
export const fast = createValidationPipe();

export type Outcome = { ok: true; value: unknown } | { ok: false; status: number; body: unknown };

/** The pipe's answer for a body given as JSON text, parsed afresh (as the body parser would). */
export async function outcome(
  pipe: ValidationPipe,
  raw: string,
  metatype: ArgumentMetadata['metatype'],
): Promise<Outcome> {
  // Each pipe parses its own copy, so neither can see what the other did to its value.
  try {
    return {
      ok: true,
      value: await pipe.transform(JSON.parse(raw), { type: 'body', metatype }),
    };
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    return { ok: false, status: error.getStatus(), body: error.getResponse() };
  }
}

export const notString = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant({}));
export const jsonish = fc.jsonValue({ maxDepth: 3 });
