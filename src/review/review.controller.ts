import {
  Body,
  Controller,
  Delete,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../common/principal';
import { ClaimsService } from './claims.service';
import { DecisionsService } from './decisions.service';
import { ReportsService } from './reports.service';
import { Allow, queueReviewer, roles } from '../auth/allow.decorator';
import { ClaimDto, DecisionDto, LeaseView, ReportDto } from './review.dto';
import { ApiErrors } from '../common/openapi';
import { ItemWithReviewsDto } from '../items/item.dto';

@ApiTags('reviewing')
@ApiBearerAuth()
@Controller('v1')
export class ReviewController {
  constructor(
    private readonly claims: ClaimsService,
    private readonly decisions: DecisionsService,
    private readonly reports: ReportsService,
  ) {}

  @Post('queues/:slug/claim')
  @Allow(queueReviewer)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Lease the next item to review',
    description:
      'Escalated (leads and admins only), then blocked, flagged, sampled/reported; older first. Never an item you already reviewed, nor one you released just before this claim while other items wait for you (it is handed back when nothing else waits). The lease lasts the queue leaseSeconds; a status of pending becomes in_review, while escalated and already-approved (sampled/reported) items keep theirs.',
  })
  @ApiOkResponse({ type: ClaimDto, description: 'the item and your lease on it' })
  @ApiNoContentResponse({ description: 'nothing is waiting for you' })
  @ApiErrors(403, 404)
  async claim(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const claimed = await this.claims.claim(principal, slug);
    if (!claimed) res.status(204);
    return claimed ?? undefined;
  }

  @Post('items/:id/lease')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Extend your lease',
    description:
      'The lease then ends leaseSeconds from now. 409 if you do not hold it or it already expired.',
  })
  @ApiOkResponse({ type: LeaseView })
  @ApiErrors(400, 403, 404, [409, 'you do not hold a live lease on this item'])
  extend(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.claims.extend(principal, id);
  }

  @Delete('items/:id/lease')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Hand the item back',
    description:
      'It keeps its place in line (pending again, or escalated). 409 if you do not hold a live lease.',
  })
  @ApiNoContentResponse({ description: 'handed back' })
  @ApiErrors(400, 403, 404, [409, 'you do not hold a live lease on this item'])
  release(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.claims.release(principal, id);
  }

  @Post('items/:id/decision')
  @Allow(roles('admin', 'lead', 'reviewer'))
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide the item you hold: approve, reject, correct or escalate',
    description: [
      'Checked in this order: 404 unknown item, 403 not a reviewer of its queue, 400 invalid body, 409 not the holder / lease expired / already final.',
      "reject and correct need at least one label from the queue's list when it defines labels, otherwise a reason; labels must come from the list. correct needs a correctedOutput that differs from the output (canonical JSON) and passes the queue's current outputSchema; correctedOutput is ignored for other actions.",
      'requiredReviews n > 1: final once n different people agree (same action; for correct, the same output); until then the item waits for the next person; any disagreement escalates it. A lead or admin deciding an escalated item settles it. Approving an already-approved (sampled or reported) item keeps it as it was; rejecting it overturns it.',
      'escalate: the item goes to the front of the line for leads and admins (status escalated, unless it was already approved).',
      "answers: {<question key>: value} for the queue's questions (rating: integer in min..max; single: one of options; multi: array of options; boolean; text: string). A required question must be answered to approve, reject or correct (escalating needs none); a missing required answer, a value of the wrong kind or an unknown key is a 400 naming answers.<key>. Stored with the review, returned in reviews[].answers.",
    ].join('\n\n'),
  })
  @ApiOkResponse({ type: ItemWithReviewsDto, description: 'the item after your decision' })
  @ApiErrors(403, 404, [409, 'you do not hold the lease, it expired, or the item is final'])
  decide(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DecisionDto,
  ) {
    return this.decisions.decide(principal, id, dto);
  }

  @Post('items/:id/reports')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Report that an output was wrong',
    description:
      'By a product API key on the item\'s queue (items:read or items:write) or a user who may see the queue. An approved or corrected item goes back to review (reason kind "report", review class report) and keeps its status and usable until a reviewer rejects it. An item already in review only gains the reason; a rejected item has the report recorded without being queued again. Labels, when given, must come from the queue\'s list if it has one. Answers 201 with the item (the report is recorded).',
  })
  @ApiCreatedResponse({ type: ItemWithReviewsDto, description: 'the item; the report is recorded' })
  @ApiErrors(403, 404)
  report(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReportDto,
  ) {
    return this.reports.report(principal, id, dto);
  }
}
