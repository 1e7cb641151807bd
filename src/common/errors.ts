import { BadRequestException, HttpException } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A 400 whose message names every offending field, in the shape all Verdict errors share. */
export function invalid(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: problems.map((p) => p.message).join('; '),
    fields: problems,
  });
}

export function invalidField(field: string, message: string): BadRequestException {
  return invalid([{ field, message }]);
}

/** 429 (or 503) with a Retry-After header: the caller should come back after that many seconds. */
export class RetryLaterException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
    status = 429,
  ) {
    super(
      {
        statusCode: status,
        error: status === 429 ? 'Too Many Requests' : 'Service Unavailable',
        message,
      },
      status,
    );
  }
}
