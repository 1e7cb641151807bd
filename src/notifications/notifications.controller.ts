import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { requireUser } from '../auth/access';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { invalidField } from '../common/errors';
import { ApiErrors } from '../common/openapi';
import type { Principal } from '../common/principal';
import {
  DeliveriesQuery,
  NotificationDeliveriesDto,
  NotificationTestDto,
} from './notifications.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/queues/:slug/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('deliveries')
  @ApiOperation({
    summary:
      "The queue's notification log (admin, lead): every Slack message and email, newest first",
    description:
      'One row per message: grouped items, target, status and attempts. Failed sends are retried with the webhook ' +
      'backoff (12 attempts over about 68 minutes).',
  })
  @ApiOkResponse({ type: NotificationDeliveriesDto })
  @ApiErrors(400, 403, 404)
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Query() query: DeliveriesQuery,
  ) {
    return this.notifications.deliveries(principal, slug, query.limit ?? 50);
  }

  @Post('test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a test message through one notification setting (admin, lead)',
    description:
      'Sends once, at once, to every channel of notifications[index] and answers with the outcome of each ' +
      '(also kept in the delivery log, kind "test").',
  })
  @ApiBody({ type: NotificationTestDto })
  @ApiOkResponse({ type: NotificationDeliveriesDto })
  @ApiErrors([400, 'index does not name a setting of the queue'], 403, 404)
  test(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() body: unknown,
  ) {
    // Authorization before validation: the body is checked only once the caller may test.
    requireUser(principal, 'admin', 'lead');
    const index = (body as { index?: unknown } | null)?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0)
      throw invalidField('index', 'index must be a whole number, 0 or more');
    return this.notifications.test(principal, slug, index);
  }
}
