import { Controller, Get, Query } from '@nestjs/common';
import { Allow, roles } from '../auth/allow.decorator';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CalibrationDto, DriftDto, ReviewersReportDto } from './analytics-views.dto';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../common/principal';
import { CalibrationQuery, DriftQuery, ReviewersQuery } from './analytics.dto';
import { CalibrationService } from './calibration.service';
import { DriftService } from './drift.service';
import { ReviewerQualityService } from './reviewer-quality.service';

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(
    private readonly calibrationService: CalibrationService,
    private readonly driftService: DriftService,
    private readonly reviewerQuality: ReviewerQualityService,
  ) {}

  @Get('calibration')
  @Allow(roles('admin', 'lead', 'analyst'))
  @ApiOperation({
    summary: 'Confidence vs human approval per bin, ECE and count reviewed (admin, lead, analyst)',
    description:
      'From items people decided, once per item by its final human decision: approve counts as approved, reject and ' +
      'correct as not approved, escalations are not verdicts. Equal-width bins on [0, 1]; the last includes 1.0.',
  })
  @ApiOkResponse({ type: CalibrationDto })
  @ApiErrors(400, 403, 404)
  calibration(@CurrentPrincipal() principal: Principal, @Query() query: CalibrationQuery) {
    return this.calibrationService.calibration(principal, query);
  }

  @Get('drift')
  @Allow(roles('admin', 'lead', 'analyst'))
  @ApiOperation({
    summary:
      'Per model version: PSI of confidence against the previous version and the human override rate per day',
  })
  @ApiOkResponse({ type: DriftDto })
  @ApiErrors(400, 403, 404)
  drift(@CurrentPrincipal() principal: Principal, @Query() query: DriftQuery) {
    return this.driftService.drift(principal, query);
  }

  @Get('reviewers')
  @Allow(roles('admin', 'lead'))
  @ApiOperation({ summary: 'Reviewer throughput, median review time and agreement (admin, lead)' })
  @ApiOkResponse({ type: ReviewersReportDto })
  @ApiErrors(400, 403, 404)
  reviewers(@CurrentPrincipal() principal: Principal, @Query() query: ReviewersQuery) {
    return this.reviewerQuality.reviewers(principal, query);
  }
}
