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
import { DecisionDto, LeaseView, ReportDto } from './review.dto';

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
  @HttpCode(200)
  @ApiOperation({
    summary: 'Lease the next item to review',
    description:
      'Escalated (leads and admins only), then blocked, flagged, sampled/reported; older first. Never an item you already reviewed, nor the one you just released while others wait.',
  })
  @ApiOkResponse({ description: '{item, lease: {expiresAt}}' })
  @ApiNoContentResponse({ description: 'nothing is waiting for you' })
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
    summary: 'Extend your lease by the queue leaseSeconds (409 if you do not hold it)',
  })
  @ApiOkResponse({ type: LeaseView })
  extend(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.claims.extend(principal, id);
  }

  @Delete('items/:id/lease')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Hand the item back; it keeps its place in line (409 if you do not hold it)',
  })
  release(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.claims.release(principal, id);
  }

  @Post('items/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide the item you hold: approve, reject, correct or escalate' })
  decide(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DecisionDto,
  ) {
    return this.decisions.decide(principal, id, dto);
  }

  @Post('items/:id/reports')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Report that an output was wrong',
    description:
      'The item goes back to review (reason kind "report") and stays usable until a reviewer rejects it.',
  })
  report(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReportDto,
  ) {
    return this.reports.report(principal, id, dto);
  }
}
