import { Controller, Get, Header, Req, Inject, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator';
import { ApiErrors } from '../common/openapi';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { REDIS } from '../redis/redis.module';
import { MetricsService } from './metrics.service';
import { HealthDto, VersionDto } from './ops.dto';
import { readVersionInfo, type VersionInfo } from './version';

/** The probe's answer, or a rejection after `ms`; the timer goes with the answer (no 2 s timer left per health check). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Constant-time comparison (of digests, so lengths may differ). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

@ApiTags('operations')
@Controller()
export class OpsController {
  private readonly versionInfo: VersionInfo = readVersionInfo();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('health')
  @ApiOperation({ summary: 'Liveness and readiness: can this instance reach Postgres and Redis' })
  @ApiOkResponse({ type: HealthDto, description: 'both are reachable' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'one of them is not' })
  async health(@Res() res: Response) {
    const [database, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), 2000).then(
        () => 'up',
        () => 'down',
      ),
      withTimeout(this.redis.ping(), 2000).then(
        () => 'up',
        () => 'down',
      ),
    ]);
    const ok = database === 'up' && redis === 'up';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'error', checks: { database, redis } });
  }

  @Public()
  @Get('version')
  @ApiOperation({ summary: 'The running version and, when known, its git commit' })
  @ApiOkResponse({ type: VersionDto })
  version(): VersionInfo {
    return this.versionInfo;
  }

  @Public()
  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors([
    401,
    'METRICS_TOKEN is set and the request lacks Authorization: Bearer <METRICS_TOKEN>',
  ])
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Req() req: Request): Promise<string> {
    const authorization = req.headers.authorization;
    // Metrics name queues and show traffic: with METRICS_TOKEN set, only the scraper sees them.
    const expected = this.config.metricsToken;
    if (expected !== undefined && !sameSecret(authorization ?? '', `Bearer ${expected}`))
      throw new UnauthorizedException('metrics need Authorization: Bearer <METRICS_TOKEN>');
    return this.metrics.registry.metrics();
  }
}
