/**
 * Writes the OpenAPI document to openapi.json (or, with --check, fails when the committed file
 * differs from what the code describes). The app is built in Nest's preview mode: modules and
 * routes are resolved but no provider is instantiated, so no database or Redis is needed and
 * nothing listens.
 *
 *   node dist/src/ops/write-openapi.js [--check] [path]     (npm run openapi does this and more)
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/config';
import { buildOpenApiDocument } from './openapi-document';

export async function renderOpenApiDocument(): Promise<string> {
  // Defaults only: the document must not depend on the environment it is generated in.
  const config = loadConfig({ NODE_ENV: 'development' });
  const app = await NestFactory.create(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const target = resolve(args.find((a) => !a.startsWith('--')) ?? 'openapi.json');
  const rendered = await renderOpenApiDocument();
  if (!check) {
    writeFileSync(target, rendered);
    process.stdout.write(`wrote ${target}\n`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // Missing counts as out of date.
  }
  if (committed !== rendered) {
    process.stderr.write(
      `${target} does not match the API the server describes.\n` +
        'Run `npm run openapi` and commit openapi.json and sdk/src/generated/openapi.ts.\n',
    );
    process.exit(1);
  }
  process.stdout.write(`${target} matches the server\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`openapi: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
