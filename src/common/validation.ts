import {
  ArgumentMetadata,
  ValidationError,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';
import { FieldProblem, invalid } from './errors';
import { depthProblem, setAsideFreeJson } from './free-json';

function collect(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      // class-validator names only the leaf; prefix the parent so nested fields are unambiguous,
      // unless the DTO's own message already names the full path ("model.name must ...").
      const named = !parent || message.startsWith(`${field} `);
      problems.push({ field, message: named ? message : `${parent}.${message}` });
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
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => invalid(validationProblems(errors)),
};

/**
 * A check for one hot DTO: the DTO when the value certainly passes its validation, built as the
 * slow path would build it; undefined sends the value through class-validator as usual.
 */
export type FastPath = (value: unknown) => object | undefined;

const fastPaths = new Map<unknown, FastPath>();

/** Registers a fast path for request bodies of this DTO class (see VerdictValidationPipe). */
export function registerFastPath(dto: abstract new () => object, check: FastPath): void {
  fastPaths.set(dto, check);
}

/**
 * The global pipe. Bodies are first checked for depth (before anything walks them recursively).
 * Then bodies of a DTO with a registered fast path skip class-transformer and class-validator
 * when the fast check accepts them; everything else, every rejection included, is validated with
 * its free-form JSON set aside, which is put back untouched (see free-json.ts).
 */
export class VerdictValidationPipe extends ValidationPipe {
  constructor(
    options: ValidationPipeOptions,
    /** false only in tests, which compare both paths. */
    private readonly useFastPaths = true,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body') return super.transform(value, metadata);
    const problem = depthProblem(value);
    if (problem) throw invalid([problem]);
    const fast = this.useFastPaths ? fastPaths.get(metadata.metatype) : undefined;
    const dto = fast && typeof value === 'object' && value !== null ? fast(value) : undefined;
    if (dto) return dto;
    const { body, restore } = setAsideFreeJson(metadata.metatype, value);
    return restore(await super.transform(body, metadata));
  }
}

export function createValidationPipe(): ValidationPipe {
  return new VerdictValidationPipe(VALIDATION_OPTIONS);
}
