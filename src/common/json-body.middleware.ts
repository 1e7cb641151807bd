import { Logger } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';

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

/**
 * What clients send nearly always, recognised without parsing the header (type-is parses it on
 * every call, twice per request: here and in the body parser); anything else goes to type-is.
 */
const PLAIN_JSON = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=utf-8',
  'application/json;charset=UTF-8',
]);

function isJson(req: Request): boolean {
  const type = req.headers['content-type'];
  return (type !== undefined && PLAIN_JSON.has(type)) || Boolean(req.is('application/json'));
}

/** A body that is not JSON is refused with 415 rather than silently read as empty. */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (BODY_METHODS.has(req.method) && hasBody && req.path.startsWith('/v1/') && !isJson(req)) {
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
  const parse = express.json({
    limit,
    // Same test as express.json's default (type-is, 'application/json'), plain headers first.
    type: (req) => isJson(req as Request),
  });
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
