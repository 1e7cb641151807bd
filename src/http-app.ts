import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jsonBody, requestId, requireJsonBody } from './common/json-body.middleware';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/config';
import { MetricsService } from './ops/metrics.service';
import { buildOpenApiDocument } from './ops/openapi-document';

const API_PREFIXES = ['/v1', '/docs', '/health', '/version', '/metrics', '/socket.io'];

/** Everything about the HTTP surface that is not a controller: parsers, docs, metrics, web app. */
export function configureHttp(app: NestExpressApplication, config: AppConfig): void {
  app.use(requestId);
  app.use(securityHeaders());
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
export function securityHeaders() {
  return helmet({
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
