import { NextFunction, Request, Response } from 'express';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

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
    res.status(415).json({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'request body must be JSON (Content-Type: application/json)',
      requestId: (req as Request & { id?: string }).id,
    });
    return;
  }
  next();
}
