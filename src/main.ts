import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, type AppConfig } from './config/config';
import { prepareDatabase } from './database/database-bootstrap';
import { configureHttp } from './http-app';
import { configurePasswordHashing } from './auth/passwords';
import { ItemChangesService } from './items/item-changes.service';
import { setRedisPort } from './common/outage-log';
import { resolveDeploymentSecrets } from './settings/deployment-secrets';

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`verdict: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  setRedisPort(Number(new URL(config.redisUrl).port || 6379));
  configurePasswordHashing({
    concurrency: config.login.hashConcurrency,
    queue: config.login.hashQueue,
  });
  await prepareDatabase(config.databaseUrl, {
    email: config.adminEmail,
    password: config.adminPassword,
  });
  await resolveDeploymentSecrets(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  configureHttp(app, config);
  return app;
}

/** Time left after the drain for closing queues, sockets and pools before giving up on them. */
const CLOSE_MS = 3_000;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());

/**
 * SIGTERM: answer waiting long-polls, stop taking connections, let in-flight requests finish
 * (up to SHUTDOWN_GRACE_MS), then close queues and pools. Closing can hang when Redis or
 * Postgres is unreachable (a quit waits for a reconnect that never comes), so it gets a few
 * seconds, and a hard timer ends the process within SHUTDOWN_GRACE_MS + 5 s whatever happens.
 */
function drainOnSignal(app: NestExpressApplication, config: AppConfig): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    const logger = new Logger('Shutdown');
    logger.log(`${signal}: draining`);
    const started = Date.now();
    setTimeout(() => {
      logger.warn('shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, config.shutdownGraceMs + 4_500).unref();
    // Long-polls answer now with the item as it is, instead of holding the drain open.
    app.get(ItemChangesService).releaseWaiters();
    const server = app.getHttpServer() as import('node:http').Server;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections turn idle as their last answer (a released long-poll) leaves.
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    await Promise.race([drained, sleep(config.shutdownGraceMs)]);
    clearInterval(idleSweep);
    server.closeAllConnections();
    const closeBudget = Math.min(CLOSE_MS, config.shutdownGraceMs + 4_000 - (Date.now() - started));
    await Promise.race([
      app.close().catch((error: unknown) => logger.warn(`close: ${(error as Error).message}`)),
      sleep(closeBudget),
    ]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function main(): Promise<void> {
  const config = readConfig();
  for (const warning of config.warnings) process.stderr.write(`verdict: warning: ${warning}\n`);
  const app = await createApp(config);
  await app.init();
  drainOnSignal(app, config);
  if (config.appRole !== 'worker') {
    await app.listen(config.port, '0.0.0.0');
    new Logger('Verdict').log(`listening on port ${config.port} (role ${config.appRole})`);
  } else {
    new Logger('Verdict').log('worker started');
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`verdict: failed to start: ${message}\n`);
    process.exit(1);
  });
}
