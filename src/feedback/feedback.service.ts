import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requireUser } from '../auth/access';
import type { Principal } from '../common/principal';
import { EXPORT_CONTENT_TYPES, exportExtension, parseExportParams } from './export-params';
import { ExportReaderIdle, ExportStreamService } from './export-stream.service';
import type { ExportQuery } from './feedback.dto';

export const FEEDBACK_ROLES = ['admin', 'lead', 'analyst'] as const;

/** GET /v1/feedback/export: the export streamed straight into the response. */
@Injectable()
export class FeedbackService {
  private readonly logger = new Logger('FeedbackExport');

  constructor(private readonly streams: ExportStreamService) {}

  async streamExport(
    principal: Principal,
    query: ExportQuery,
    req: Request,
    res: Response,
  ): Promise<void> {
    requireUser(principal, ...FEEDBACK_ROLES);
    const params = parseExportParams({ ...query });
    const queueId = await this.streams.queueId(params);
    // Before any header is sent, so a refusal is a proper 429 with Retry-After.
    const release = this.streams.reserve();
    // An explicit ?gzip wins; otherwise the client's Accept-Encoding decides.
    const gzip = params.gzip ?? req.acceptsEncodings('gzip', 'identity') === 'gzip';
    const stamp = new Date().toISOString().slice(0, 10);
    res.status(200);
    res.setHeader('Content-Type', EXPORT_CONTENT_TYPES[params.format]);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="verdict-${params.queue ?? 'all'}-${params.format}-${stamp}.${exportExtension(params.format)}"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Vary', 'Accept-Encoding');
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    try {
      await this.streams.streamTo({ ...params, gzip }, queueId, res);
    } catch (error) {
      // Headers are gone by now: the only honest signal left is an aborted (truncated) body.
      if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.debug('client closed the export early; cursor released');
      } else if (error instanceof ExportReaderIdle) {
        this.logger.warn(`export reader disconnected: ${error.message}; cursor released`);
      } else {
        this.logger.error(`export failed mid-stream: ${(error as Error).message}`);
      }
      if (!res.destroyed) res.destroy();
    } finally {
      release();
    }
  }
}
