import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ApiErrors } from '../common/openapi';
import type { Principal } from '../common/principal';
import { QueueStatsDto } from './queue-stats.dto';
import { QueueStatsService } from './queue-stats.service';
import { Allow, anyUser } from '../auth/allow.decorator';

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/queues/:slug/stats')
@Allow(anyUser)
export class QueueStatsController {
  constructor(private readonly stats: QueueStatsService) {}

  @Get()
  @ApiOperation({
    summary: 'Current health of one queue',
    description:
      'For admins, leads, analysts and the reviewers of the queue. Read from Postgres (at most 1 s old), cheap enough to poll every few seconds; ' +
      'subscribers of /live receive the first four fields as "queue.stats" after every change.',
  })
  @ApiOkResponse({ type: QueueStatsDto })
  @ApiErrors(403, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string) {
    return this.stats.forPrincipal(principal, slug);
  }
}
