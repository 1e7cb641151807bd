import { Body, Controller, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../common/principal';
import { CreateQueueDto, PolicyDto, QueueSettingsDto } from './queues.dto';
import { QueuesService } from './queues.service';

@ApiTags('queues')
@ApiBearerAuth()
@Controller('v1/queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Post()
  @ApiCreatedResponse({ description: 'the queue, with its webhookSecret (shown only here)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateQueueDto) {
    return this.queues.create(principal, dto);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    return this.queues.list(principal);
  }

  @Get(':slug')
  get(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string) {
    return this.queues.get(principal, slug);
  }

  @Patch(':slug')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: QueueSettingsDto,
  ) {
    return this.queues.updateSettings(principal, slug, dto);
  }

  @Put(':slug/policy')
  @ApiBody({ type: PolicyDto })
  replacePolicy(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() body: unknown,
  ) {
    return this.queues.replacePolicy(principal, slug, body);
  }

  @Get(':slug/policy/history')
  history(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string) {
    return this.queues.policyHistory(principal, slug);
  }
}
