import { Logger } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { assignRequestId } from './logging';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const logger = new Logger('HTTP');

/**
 * Answers a request refused before it reaches Nest (no JSON, malformed JSON, too large) in the
 * shape every Verdict error has, with its request id, and writes its one log line: pino-http
 * and the exception filter only see requests that get past the body parser.
 */
function refuse(req: Request, res: Response, status: number, error: string, message: string) {
  logger.warn(
    { requestId: String(req.id), method: req.method, url: req.originalUrl, statusCode: status },
    `${status} ${message}`,
  );
  res.status(status).json({ statusCode: status, error, message, requestId: String(req.id) });
}

/** Runs first: the request id exists (and is echoed) before anything can refuse the request. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  assignRequestId(req, res);
  next();
}

/** A body that is not JSON is refused with 415 rather than silently read as empty. */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (
    BODY_METHODS.has(req.method) &&
    hasBody &&
    req.path.startsWith('/v1/') &&
    !req.is('application/json')
  ) {
    refuse(
      req,
      res,
      415,
      'Unsupported Media Type',
      'request body must be JSON (Content-Type: application/json)',
    );
    return;
  }
  next();
}

export type RequestWithDeferredBodyError = Request & { deferredBodyError?: unknown };

interface ParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

/** express.json (1 MiB), with its failures answered as Verdict errors (400 or 413). */
export function jsonBody(limit: string) {
  const parse = express.json({ limit });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const e = error as ParserError;
      // Malformed or oversized JSON is told only to a caller allowed to use the route: the global
      // guard rethrows it after authorization (403 whatever the body), and the exception filter
      // answers it as the 400 or 413 it always was (with the request id, logged by pino-http).
      if (e.type === 'entity.too.large' || e.type === 'entity.parse.failed') {
        (req as RequestWithDeferredBodyError).deferredBodyError = error;
        req.body = undefined;
        return next();
      }
      if (e.expose && typeof e.status === 'number' && e.status < 500)
        return refuse(req, res, e.status, 'Bad Request', e.message ?? 'bad request body');
      next(error);
    });
  };
}
