import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, type AppConfig } from './config/config';
import { prepareDatabase } from './database/database-bootstrap';
import { configureHttp } from './http-app';

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
  await prepareDatabase(config.databaseUrl, {
    email: config.adminEmail,
    password: config.adminPassword,
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  configureHttp(app, config);
  return app;
}

/** SIGTERM: stop taking connections, let in-flight requests finish, then close queues and pools. */
function drainOnSignal(app: NestExpressApplication, config: AppConfig): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    const logger = new Logger('Shutdown');
    logger.log(`${signal}: draining`);
    const server = app.getHttpServer() as import('node:http').Server;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, config.shutdownGraceMs).unref(),
    );
    await Promise.race([drained, timeout]);
    server.closeAllConnections();
    await app.close();
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
