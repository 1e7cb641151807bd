import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { RecommendationDto, SimulationDto } from './analytics-views.dto';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../common/principal';
import { RecommendationQuery, SimulateDto } from './analytics.dto';
import { PolicySimulationService } from './policy-simulation.service';
import { Allow, roles } from '../auth/allow.decorator';

@ApiTags('queues')
@ApiBearerAuth()
@Controller('v1/queues')
@Allow(roles('admin', 'lead', 'analyst'))
export class PolicySimulationController {
  constructor(private readonly simulation: PolicySimulationService) {}

  @Post(':slug/policy/simulate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'What the last items would have done under these thresholds (admin, lead, analyst; nothing is saved)',
    description:
      'Replays thresholds only (rules and outputSchema can only make routing stricter). Error = a human reject or ' +
      'correct among decided items at or above autoApproveAt; upper bound = 95% Wilson score interval. since defaults to 30 days ago.',
  })
  @ApiOkResponse({ type: SimulationDto })
  @ApiErrors(403, 404)
  simulate(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: SimulateDto,
  ) {
    return this.simulation.simulate(principal, slug, dto);
  }

  @Get(':slug/policy/recommendation')
  @ApiOperation({
    summary:
      'The lowest autoApproveAt (0.01 grid) whose 95% upper error bound stays under maxErrorRate, with evidence',
  })
  @ApiOkResponse({ type: RecommendationDto })
  @ApiErrors(400, 403, 404)
  recommendation(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Query() query: RecommendationQuery,
  ) {
    return this.simulation.recommend(principal, slug, query);
  }
}
