import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ItemDto } from '../items/item.dto';
import type { Principal } from '../common/principal';
import {
  BatchElementFailureDto,
  BatchResultDto,
  SubmitBatchDto,
  SubmitItemDto,
} from './ingestion.dto';
import { IngestionService } from './ingestion.service';
import { Allow, submitter } from '../auth/allow.decorator';

@ApiTags('items')
@ApiBearerAuth()
@Controller('v1/queues/:slug/items')
@Allow(submitter)
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  @Post()
  @ApiOperation({
    summary: 'Submit an AI output; the answer says at once whether it may be used',
    description:
      'Idempotent per externalId: the same body again answers 200 with the stored item, a different body 409.',
  })
  @ApiCreatedResponse({ type: ItemDto, description: 'the item, routed' })
  @ApiOkResponse({
    type: ItemDto,
    description: 'a replay of an earlier submission with the same externalId and body',
  })
  @ApiErrors(403, 404, [409, 'the externalId was used with a different body'], 503)
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: SubmitItemDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.ingestion.submitOne(principal, slug, dto);
    res.status(result.created ? 201 : 200);
    return result.item;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submit up to 500 outputs at once',
    description: 'Each element is validated and stored on its own; results keep the input order.',
  })
  @ApiExtraModels(BatchElementFailureDto)
  @ApiOkResponse({
    type: BatchResultDto,
    description: 'an item or {error: {statusCode, message}} per input, in order',
  })
  @ApiErrors(403, 404, 503)
  submitBatch(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: SubmitBatchDto,
  ) {
    return this.ingestion.submitBatch(principal, slug, dto.items);
  }
}
