import { Body, Controller, Get, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ApiErrors } from '../common/openapi';
import type { Principal } from '../common/principal';
import {
  CreatedQueueView,
  CreateQueueDto,
  PolicyDto,
  PolicyVersionView,
  QueueSettingsDto,
  QueueView,
} from './queues.dto';
import { QueuesService } from './queues.service';
import { Allow, queueViewer, roles } from '../auth/allow.decorator';

@ApiTags('queues')
@ApiBearerAuth()
@Controller('v1/queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Post()
  @Allow(roles('admin', 'lead'))
  @ApiOperation({ summary: 'Create a queue with its policy and settings (admin, lead)' })
  @ApiCreatedResponse({
    type: CreatedQueueView,
    description: 'the queue, with its webhookSecret (shown only here)',
  })
  @ApiErrors(403, [409, 'a queue with this slug already exists'])
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateQueueDto) {
    return this.queues.create(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the queues this token may see' })
  @ApiOkResponse({ type: [QueueView] })
  list(@CurrentPrincipal() principal: Principal) {
    return this.queues.list(principal);
  }

  @Get(':slug')
  @Allow(queueViewer)
  @ApiOperation({ summary: 'Get a queue' })
  @ApiOkResponse({ type: QueueView })
  @ApiErrors(403, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string) {
    return this.queues.get(principal, slug);
  }

  @Patch(':slug')
  @Allow(roles('admin', 'lead'))
  @ApiOperation({
    summary: 'Change queue settings (admin, lead)',
    description:
      'Changing outputSchema (it changes routing), guidelines or questions (they change what reviewers are asked) makes a new policyVersion, kept in the history; sending the value in force again does not. guidelines: markdown, at most 20 000 characters. questions: [{key, label, type (rating|single|multi|boolean|text), options?, min?, max?, required?}], each problem named (questions[2].options).',
  })
  @ApiOkResponse({ type: QueueView })
  @ApiErrors(403, 404)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: QueueSettingsDto,
  ) {
    return this.queues.updateSettings(principal, slug, dto);
  }

  @Put(':slug/policy')
  @Allow(roles('admin', 'lead'))
  @ApiOperation({
    summary: 'Replace the routing policy as a new version (admin, lead)',
    description: 'Items keep the policy version that routed them.',
  })
  @ApiBody({ type: PolicyDto })
  @ApiOkResponse({ type: QueueView })
  @ApiErrors(403, 404)
  replacePolicy(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() body: unknown,
  ) {
    return this.queues.replacePolicy(principal, slug, body);
  }

  @Get(':slug/policy/history')
  @Allow(roles('admin', 'lead', 'analyst'))
  @ApiOperation({
    summary: 'Every policy version of the queue, oldest first (admin, lead, analyst)',
  })
  @ApiOkResponse({ type: [PolicyVersionView] })
  @ApiErrors(403, 404)
  history(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string) {
    return this.queues.policyHistory(principal, slug);
  }
}
