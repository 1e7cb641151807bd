import type Redis from 'ioredis';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Job, Worker } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { dependencyDown, isConnectionError } from '../common/outage-log';
import { createPatientRedis } from '../redis/redis.module';
import { JOB_HANDLER } from './job-handler.decorator';
import { JOB_NAMES, JOB_QUEUES, JobName } from './job-catalogue';

type Handler = (payload: unknown, job: Job, token?: string) => Promise<unknown>;

const CONCURRENCY: Record<string, number> = { timers: 8, webhooks: 16, exports: 1 };

/**
 * Finds every @JobHandler at boot and refuses to start if a catalogue entry has none (or two).
 * Workers run only where APP_ROLE is worker or all.
 */
@Injectable()
export class JobsRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<JobName, Handler>();
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.collectHandlers();
    if (this.config.appRole === 'api') return;
    for (const queue of JOB_QUEUES) {
      const connection = createPatientRedis(this.config.redisUrl, `verdict-worker-${queue}`);
      this.connections.push(connection);
      const worker = new Worker(queue, (job, token) => this.dispatch(job, token), {
        connection,
        prefix: this.config.redisPrefix,
        concurrency: CONCURRENCY[queue] ?? 4,
      });
      worker.on('error', (error) =>
        isConnectionError(error)
          ? dependencyDown('redis', error)
          : this.logger.warn(`worker ${queue}: ${error.message}`),
      );
      this.workers.push(worker);
    }
  }

  private collectHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = this.reflector.get<JobName | undefined>(
          JOB_HANDLER,
          instance[method] as () => unknown,
        );
        if (!name) continue;
        if (this.handlers.has(name)) throw new Error(`job "${name}" has two handlers`);
        this.handlers.set(name, (instance[method] as Handler).bind(instance));
      }
    }
    const missing = JOB_NAMES.filter((name) => !this.handlers.has(name));
    if (missing.length > 0) throw new Error(`no handler for job(s): ${missing.join(', ')}`);
  }

  private async dispatch(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job "${job.name}"`);
    return handler(job.data, job, token);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    // BullMQ leaves a connection it was handed open; an in-process app context must not.
    for (const connection of this.connections) connection.disconnect();
  }
}
