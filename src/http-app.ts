import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { jsonBody, requireJsonBody } from './common/json-body.middleware';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/config';
import { assignRequestId } from './common/logging';
import { MetricsService } from './ops/metrics.service';
import { buildOpenApiDocument } from './ops/openapi-document';

const API_PREFIXES = ['/v1', '/docs', '/health', '/version', '/metrics', '/socket.io'];

/** Everything about the HTTP surface that is not a controller: parsers, docs, metrics, web app. */
export function configureHttp(app: NestExpressApplication, config: AppConfig): void {
  // The request id exists (and is echoed) before anything can refuse the request; then the
  // security headers. One middleware for both: each Express layer costs a router step.
  const headers = securityHeaders();
  app.use((req: Request, res: Response, next: NextFunction) => {
    assignRequestId(req, res);
    headers(req, res, next);
  });
  // 415 before parsing: a non-JSON body is never read.
  app.use(requireJsonBody);
  app.use(jsonBody('1mb'));
  app.useGlobalPipes(createValidationPipe());
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // API answers are live state, never revalidated: hashing every body for an ETag is wasted work.
  app.set('etag', false);

  const metrics = app.get(MetricsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  serveWebApp(app, config);
}

const SCHEMA_WORKER_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-eval'; frame-ancestors 'none'";

/**
 * Security headers on every response (API, docs, web app), by helmet. The CSP allows scripts only
 * from this origin (the Vite build and Swagger UI load theirs from files, no inline script), and
 * forbids framing (the reviewer app's one-key shortcuts would make clickjacking cheap). Inline
 * styles stay allowed: Mantine sets its CSS variables and React style props inline, and a style
 * cannot run code.
 */
export function securityHeaders(): (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void {
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        // Conversations may carry image parts (https or inline data URLs) that reviewers must see.
        'img-src': ["'self'", 'data:', 'https:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Verdict is often run over plain http inside a network; upgrading would break it there.
        'upgrade-insecure-requests': null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs to whoever terminates TLS in front of Verdict, not to a plain-http service.
    strictTransportSecurity: false,
  });
  return precomputed(middleware) ?? middleware;
}

/**
 * The headers helmet sets do not depend on the request (no nonces, no per-request directives),
 * yet helmet runs a chain of a dozen middlewares and rebuilds the CSP string on every response.
 * They are recorded once, from a dry run, and replayed: the same headers, set the same way.
 * Falls back to helmet itself if the dry run does not complete synchronously.
 */
function precomputed(middleware: ReturnType<typeof helmet>) {
  const set: [string, string | number | readonly string[]][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, value]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let completed = false;
  middleware(
    { method: 'GET', url: '/', headers: {} } as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      completed = error === undefined;
    },
  );
  if (!completed || set.length === 0) return undefined;
  return (_req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

function serveWebApp(app: INestApplication, config: AppConfig): void {
  const dist = config.webDistDir ?? join(__dirname, '..', '..', 'web', 'dist');
  if (!existsSync(join(dist, 'index.html'))) return;
  const server = app.getHttpAdapter().getInstance() as express.Express;
  server.use(
    express.static(dist, {
      index: false,
      maxAge: '1h',
      setHeaders: (res, path) => {
        // The schema worker runs Ajv, which compiles schemas to code: only that script may eval,
        // under its own policy (a dedicated worker's CSP comes from its own response).
        if (/[\\/]schema\.worker-[\w-]+\.js$/.test(path))
          res.setHeader('Content-Security-Policy', SCHEMA_WORKER_CSP);
      },
    }),
  );
  // Deep links (/review/support-replies) load the app, which routes on the client.
  server.use((req: Request, res: Response, next: NextFunction) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      API_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`))
    )
      return next();
    // Only a browser navigation gets the app: a probe, script or API client (Accept: */* or JSON)
    // asking for an unknown path gets the JSON 404, so a misaimed health check fails loudly.
    if (req.path !== '/' && req.accepts(['json', 'html']) !== 'html') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dist, 'index.html'));
  });
}
