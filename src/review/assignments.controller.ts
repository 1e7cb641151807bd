import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ApiErrors } from '../common/openapi';
import type { Principal } from '../common/principal';
import { ItemDto } from '../items/item.dto';
import { AssignmentsService } from './assignments.service';

export class AssignDto {
  @ApiProperty({ format: 'uuid', description: "a user who may review the item's queue" })
  userId!: string;
}

export class BulkAssignDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 200 })
  itemIds!: string[];

  @ApiProperty({ format: 'uuid' })
  userId!: string;
}

export class BulkAssignErrorDto {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'item is not waiting for review (approved)' }) message!: string;
}

export class BulkAssignResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ type: ItemDto, description: 'the assigned item' }) item?: ItemDto;
  @ApiPropertyOptional({ type: BulkAssignErrorDto, description: 'why this item was not assigned' })
  error?: BulkAssignErrorDto;
}

export class BulkAssignResponseDto {
  @ApiProperty({ type: [BulkAssignResultDto] }) results!: BulkAssignResultDto[];
}

@ApiTags('reviewing')
@ApiBearerAuth()
@Controller('v1/items')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post('assign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reserve many waiting items for one reviewer (lead, admin)',
    description:
      'Each item as with POST /v1/items/{id}/assign, in input order; an item that cannot be assigned gets an error ' +
      'entry and the others are still assigned.',
  })
  @ApiBody({ type: BulkAssignDto })
  @ApiOkResponse({ type: BulkAssignResponseDto })
  @ApiErrors([400, 'itemIds or userId malformed'], 403)
  assignMany(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.assignments.assignMany(principal, body);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reserve a waiting item for one reviewer (lead, admin)',
    description:
      "The reviewer's next claim in that queue takes their reservations first (before escalations); nobody else's claim " +
      "takes the item while it is reserved. A reservation not claimed within the queue's leaseSeconds × 4 lapses back " +
      'to everyone. Assigning again replaces the reservation. Subscribers receive item.assigned.',
  })
  @ApiBody({ type: AssignDto })
  @ApiOkResponse({ type: ItemDto })
  @ApiErrors([400, 'userId is not a user who may review this item'], 403, 404, [
    409,
    'the item is not waiting for review (claimed or decided)',
  ])
  assign(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
  ) {
    return this.assignments.assign(principal, id, body);
  }

  @Delete(':id/assign')
  @HttpCode(204)
  @ApiOperation({
    summary: "Remove an item's reservation (lead, admin); 204 whether or not there was one",
  })
  @ApiNoContentResponse({ description: "the item is everyone's again" })
  @ApiErrors(400, 403, 404)
  async unassign(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.assignments.unassign(principal, id);
  }
}
