import {
  ConflictException,
  GoneException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import type { Response } from 'express';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Repository } from 'typeorm';
import { assert, isLead, requireUser } from '../auth/access';
import { DomainEvents } from '../common/domain-events';
import type { Principal } from '../common/principal';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobsService } from '../jobs/jobs.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ExportJob } from './export-job.entity';
import {
  EXPORT_CONTENT_TYPES,
  ExportParams,
  exportExtension,
  parseExportParams,
} from './export-params';
import { ExportStreamService } from './export-stream.service';
import type { CreateExportDto, ExportJobView } from './feedback.dto';
import { FEEDBACK_ROLES } from './feedback.service';
import { warnOrOutage } from '../common/outage-log';

/** Progress is written at most this often: a 1M-row export should not become 200 UPDATEs a second. */
const PROGRESS_EVERY_MS = 500;

/** Finished export files are kept this long (then a download answers 410 Gone). */
const KEEP_FILES_MS = 7 * 24 * 3600 * 1000;

/** Deletes export files past their keeping time; runs after each export, so it needs no timer. */
async function pruneOldFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith('verdict-'))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > KEEP_FILES_MS)
      await rm(path, { force: true }).catch(() => undefined);
  }
}

function fileName(job: ExportJob): string {
  const params = job.params as unknown as ExportParams;
  return `verdict-${params.queue ?? 'all'}-${params.format}-${job.id}.${exportExtension(params.format)}${params.gzip ? '.gz' : ''}`;
}

/** POST /v1/feedback/exports: the same export as a background job writing a file. */
@Injectable()
export class ExportJobsService {
  private readonly logger = new Logger('ExportJobs');

  constructor(
    @InjectRepository(ExportJob) private readonly exportJobs: Repository<ExportJob>,
    private readonly streams: ExportStreamService,
    private readonly jobs: JobsService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  view(job: ExportJob): ExportJobView {
    return {
      id: job.id,
      status: job.status,
      progress: job.progress,
      rows: job.rows,
      params: job.params,
      downloadUrl: job.status === 'done' ? `/v1/feedback/exports/${job.id}/download` : null,
      error: job.error,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    };
  }

  async create(principal: Principal, body: CreateExportDto): Promise<ExportJobView> {
    const user = requireUser(principal, ...FEEDBACK_ROLES);
    const params = parseExportParams({ ...body });
    await this.streams.queueId(params);
    const job = await this.exportJobs.save(
      this.exportJobs.create({
        requestedBy: user.id,
        params: params as unknown as Record<string, unknown>,
        status: 'queued',
        rows: 0,
        progress: 0,
      }),
    );
    // The request is durable once the row exists: if Redis is away, ExportRecoveryService
    // enqueues it later, so the caller still gets 202.
    await this.jobs
      .enqueue('export.run', { exportId: job.id }, { jobId: `export-${job.id}` })
      .catch((error: Error) =>
        warnOrOutage(this.logger, error, `export ${job.id} not enqueued yet: ${error.message}`),
      );
    return this.view(job);
  }

  /** The requester sees their exports; admins and leads see everyone's. */
  private async findVisible(principal: Principal, id: string): Promise<ExportJob> {
    const user = requireUser(principal, ...FEEDBACK_ROLES);
    const job = await this.exportJobs.findOne({ where: { id } });
    if (!job) throw new NotFoundException('export not found');
    assert(job.requestedBy === user.id || isLead(principal), 'not allowed to see this export');
    return job;
  }

  async get(principal: Principal, id: string): Promise<ExportJobView> {
    return this.view(await this.findVisible(principal, id));
  }

  async list(principal: Principal): Promise<ExportJobView[]> {
    const user = requireUser(principal, ...FEEDBACK_ROLES);
    const jobs = await this.exportJobs.find({
      where: isLead(principal) ? {} : { requestedBy: user.id },
      order: { createdAt: 'DESC' },
      take: 50,
    });
    return jobs.map((j) => this.view(j));
  }

  async download(principal: Principal, id: string, res: Response): Promise<void> {
    const job = await this.findVisible(principal, id);
    if (job.status !== 'done' || !job.filePath)
      throw new ConflictException(`export is ${job.status}, not done yet`);
    const size = await stat(job.filePath).then(
      (s) => s.size,
      () => null,
    );
    if (size === null)
      throw new GoneException('the export file is no longer available; run the export again');
    const params = job.params as unknown as ExportParams;
    res.status(200);
    res.setHeader(
      'Content-Type',
      params.gzip ? 'application/gzip' : EXPORT_CONTENT_TYPES[params.format],
    );
    res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', `attachment; filename="${fileName(job)}"`);
    res.setHeader('Cache-Control', 'no-store');
    await new Promise<void>((resolve) => {
      const file = createReadStream(job.filePath!);
      file.on('error', () => res.destroy());
      res.on('close', () => {
        file.destroy();
        resolve();
      });
      file.pipe(res);
    });
  }

  private async publish(job: ExportJob): Promise<void> {
    await this.events.emit('export.progress', {
      id: job.id,
      requestedBy: job.requestedBy,
      status: job.status,
      progress: job.progress,
      rows: job.rows,
    });
  }

  @JobHandler('export.run')
  async run(payload: { exportId: string }, _job: Job): Promise<unknown> {
    const job = await this.exportJobs.findOne({ where: { id: payload.exportId } });
    if (!job || job.status === 'done') return null;
    const params = job.params as unknown as ExportParams;
    const path = join(this.config.exportDir, fileName(job));
    try {
      await mkdir(this.config.exportDir, { recursive: true });
      const queueId = await this.streams.queueId(params);
      const total = await this.streams.count(params, queueId);
      Object.assign(job, { status: 'running', rows: 0, progress: 0, error: null });
      await this.exportJobs.update(job.id, {
        status: 'running',
        rows: 0,
        progress: 0,
        error: null,
      });
      await this.publish(job);
      let lastWrite = Date.now();
      const release = await this.streams.waitForSlot();
      const rows = await this.streams
        .streamTo(params, queueId, createWriteStream(path), {
          onProgress: (written) => {
            if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
            lastWrite = Date.now();
            job.rows = written;
            job.progress = total > 0 ? Math.min(0.99, written / total) : 0;
            void this.exportJobs
              .update({ id: job.id, status: 'running' }, { rows: job.rows, progress: job.progress })
              .catch(() => undefined);
            void this.publish(job);
          },
        })
        .finally(release);
      Object.assign(job, {
        status: 'done',
        rows,
        progress: 1,
        filePath: path,
        finishedAt: new Date(),
      });
      await this.exportJobs.update(job.id, {
        status: 'done',
        rows,
        progress: 1,
        filePath: path,
        finishedAt: job.finishedAt,
      });
      await this.publish(job);
      await pruneOldFiles(this.config.exportDir);
      return { rows };
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error(`export ${job.id} failed: ${message}`);
      await rm(path, { force: true }).catch(() => undefined);
      Object.assign(job, { status: 'failed', error: message, finishedAt: new Date() });
      await this.exportJobs.update(job.id, {
        status: 'failed',
        error: message,
        finishedAt: job.finishedAt,
      });
      await this.publish(job);
      return null;
    }
  }
}
