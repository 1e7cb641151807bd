import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ApiErrors } from '../common/openapi';
import type { Principal } from '../common/principal';
import { RedeliveryDto, WebhookDeliveriesDto, WebhookSecretDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get('items/:id/deliveries')
  @ApiOperation({
    summary: 'Webhook delivery attempts for an item',
    description:
      'Whenever an item reaches a final status (approved, rejected, corrected) or its final status changes, Verdict POSTs the item to its ' +
      'callbackUrl, else the queue webhookUrl, signed with "Verdict-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \\"<t>.<body>\\">" ' +
      "keyed by the queue's webhookSecret. The body is the item as it is when sent. Non-2xx or no answer within 5 s is retried with " +
      'exponential backoff (12 attempts over about 68 minutes). Every attempt is listed here and in the audit trail.',
  })
  @ApiOkResponse({ type: WebhookDeliveriesDto })
  @ApiErrors(400, 403, 404)
  deliveries(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.webhooks.deliveries(principal, id);
  }

  @Post('items/:id/deliveries/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: "Send a final item's webhook again (admin, lead)",
    description:
      'A new delivery of the item as it is now, with its own key and the usual retries, sent even if the receiver already acknowledged this status. Audited as webhook_redelivery_requested.',
  })
  @ApiAcceptedResponse({ type: RedeliveryDto })
  @ApiErrors(400, [403, 'not an admin or lead'], 404, [
    409,
    'the item is not final, or neither it nor its queue has a webhook URL',
  ])
  redeliver(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.webhooks.redeliver(principal, id);
  }

  @Post('queues/:slug/webhook-secret')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Rotate the queue's webhook signing secret (admin, lead); the new secret is returned only here",
  })
  @ApiOkResponse({ type: WebhookSecretDto })
  @ApiErrors(403, 404)
  rotateSecret(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string) {
    return this.webhooks.rotateSecret(principal, slug);
  }
}
