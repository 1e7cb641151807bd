/**
 * The medium test tier: Verdict's real Nest modules in this process (no HTTP, no child
 * process), against the file's own Postgres database (created and migrated as at boot) and
 * Redis prefix. Service tests call services the way controllers do, with a principal.
 */
import { after, before } from 'node:test';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { UsersService } from '../../src/auth/users.service';
import type { Role, UserPrincipal } from '../../src/common/principal';
import { loadConfig } from '../../src/config/config';
import { prepareDatabase } from '../../src/database/database-bootstrap';
import { IngestionService } from '../../src/ingestion/ingestion.service';
import type { SubmitItemDto } from '../../src/ingestion/ingestion.dto';
import { QueuesService } from '../../src/queues/queues.service';
import type { CreateQueueDto } from '../../src/queues/queues.dto';
import {
  ADMIN,
  dropTestState,
  prepareTestDatabase,
  REDIS_URL,
  submission,
  type TestContext,
} from './harness';

export interface InProcessApp {
  app: INestApplicationContext;
  get<T>(type: Type<T>): T;
  /** The seeded first admin, as the guard would resolve them. */
  admin: UserPrincipal;
  /** A new user with these roles (and queues), as a principal. */
  user(roles: Role[], queues?: string[]): Promise<UserPrincipal>;
  createQueue(slug: string, extra?: Partial<CreateQueueDto>): Promise<void>;
  /** Submits as the admin; returns the stored item's view. */
  submit(
    slug: string,
    overrides?: Record<string, unknown>,
  ): Promise<{ id: string; status: string }>;
}

/** Boots the application context once for the file; closes it and drops its state after. */
export function appPerFile(ctx: TestContext, env: Record<string, string> = {}): () => InProcessApp {
  let started: InProcessApp | undefined;
  before(async () => {
    const config = loadConfig({
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: ctx.redisPrefix,
      JWT_SECRET: 'test-secret-0123456789abcdef',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      SWEEP_INTERVAL_MS: '1000',
      ...env,
    });
    await prepareTestDatabase(ctx);
    await prepareDatabase(config.databaseUrl, ADMIN);
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
      logger: ['error', 'warn'],
    });
    await app.init();
    const [row] = await app
      .get(DataSource)
      .query<{ id: string; name: string }[]>('SELECT id, name FROM users WHERE email = $1', [
        ADMIN.email,
      ]);
    const admin: UserPrincipal = {
      kind: 'user',
      id: row.id,
      email: ADMIN.email,
      name: row.name,
      roles: ['admin'],
      queues: [],
    };
    let users = 0;
    started = {
      app,
      admin,
      get: (type) => app.get(type),
      async user(roles, queues = []) {
        users += 1;
        const view = await app.get(UsersService).create(admin, {
          email: `user${users}@verdict.test`,
          name: `user${users}`,
          password: 'password-123',
          roles,
          queues,
        });
        return { kind: 'user', id: view.id, email: view.email, name: view.name, roles, queues };
      },
      async createQueue(slug, extra = {}) {
        await app
          .get(QueuesService)
          .create(admin, { slug, name: slug, ...extra } as CreateQueueDto);
      },
      async submit(slug, overrides = {}) {
        const result = await app
          .get(IngestionService)
          .submitOne(admin, slug, submission(overrides) as unknown as SubmitItemDto);
        return result.item;
      },
    };
  });
  after(async () => {
    await started?.app.close();
    await dropTestState(ctx);
  });
  return () => {
    if (!started) throw new Error('the application context is only there inside tests');
    return started;
  };
}
