import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, invalid } from './errors';
import { depthProblem, setAsideFreeJson } from './free-json';

function collect(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      // class-validator names only the leaf; prefix the parent so nested fields are unambiguous.
      problems.push({ field, message: parent ? `${parent}.${message}` : message });
    }
    if (error.children?.length) problems.push(...collect(error.children, field));
  }
  return problems;
}

/** One message per distinct problem: overlapping validators (Min and Max, say) can repeat one. */
function unique(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && seen.add(p.message));
}

export function validationProblems(errors: ValidationError[]): FieldProblem[] {
  return unique(collect(errors));
}

/**
 * Unknown fields are stripped, not refused: integrators can send extra context without
 * breaking, and nothing unknown is ever stored. Types are never coerced ("0.5" stays a string).
 */
/**
 * Bodies are first checked for depth (before anything walks them recursively), then validated
 * with their free-form JSON set aside, which is put back untouched (see free-json.ts).
 */
class VerdictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body') return super.transform(value, metadata);
    const problem = depthProblem(value);
    if (problem) throw invalid([problem]);
    const { body, restore } = setAsideFreeJson(metadata.metatype, value);
    return restore(await super.transform(body, metadata));
  }
}

export function createValidationPipe(): ValidationPipe {
  return new VerdictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalid(validationProblems(errors)),
  });
}
