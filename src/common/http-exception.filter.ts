import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RetryLaterException } from './errors';
import { dependencyDown, dependencyOf } from './outage-log';
import { isDataException, isPgUnavailable } from './pg-errors';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

function isTransientInfrastructureError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  // Connection failures and Postgres "cannot connect now" / admin shutdown classes.
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(e?.code ?? '') ||
    isPgUnavailable(error) ||
    /Connection terminated|connect ECONNREFUSED|Redis is not available/i.test(e?.message ?? '')
  );
}

/** Every error leaves as `{statusCode, error, message, requestId}`; nothing internal leaks. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<Response>();
    const request = ctx.getRequest<Request & { id?: string }>();
    const requestId = request.id;
    let status = 500;
    let body: Record<string, unknown>;

    const parserError = exception as BodyParserError;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      if (exception instanceof RetryLaterException && !response.headersSent)
        response.setHeader('Retry-After', String(exception.retryAfterSeconds));
      const payload = exception.getResponse();
      body =
        typeof payload === 'string'
          ? { statusCode: status, error: exception.name, message: payload }
          : { statusCode: status, ...(payload as object) };
      if (Array.isArray(body.message)) body.message = (body.message as string[]).join('; ');
    } else if (parserError?.type === 'entity.too.large') {
      status = 413;
      body = {
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'request body is larger than 1 MiB',
      };
    } else if (parserError?.type === 'entity.parse.failed') {
      status = 400;
      body = { statusCode: 400, error: 'Bad Request', message: 'request body is not valid JSON' };
    } else if (
      parserError?.expose &&
      typeof parserError.status === 'number' &&
      parserError.status < 500
    ) {
      status = parserError.status;
      body = { statusCode: status, error: 'Bad Request', message: parserError.message };
    } else if (isDataException(exception)) {
      // Postgres refused a value the validation let through: still the caller's input, never a 500.
      status = 400;
      body = {
        statusCode: 400,
        error: 'Bad Request',
        message: `a value could not be stored: ${(exception as Error).message}`,
      };
    } else if (isTransientInfrastructureError(exception)) {
      status = 503;
      body = {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'a backing service is unavailable; retry later',
      };
      // The request has its own log line; the outage gets one line per 10 s, not one per request.
      dependencyDown(dependencyOf(exception), exception);
    } else {
      body = { statusCode: 500, error: 'Internal Server Error', message: 'unexpected error' };
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (!response.headersSent) response.status(status).json({ ...body, requestId });
  }
}
