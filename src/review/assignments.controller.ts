import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../common/principal';
import { ItemDto } from '../items/item.dto';
import { AssignmentsService } from './assignments.service';

export class AssignDto {
  @ApiProperty({ format: 'uuid', description: "a user who may review the item's queue" })
  userId!: string;
}

@ApiTags('reviewing')
@ApiBearerAuth()
@Controller('v1/items/:id/assign')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post()
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
  @ApiBadRequestResponse({ description: 'userId is not a user who may review this item' })
  @ApiForbiddenResponse({ description: 'not a lead or admin' })
  @ApiNotFoundResponse({ description: 'unknown item' })
  @ApiConflictResponse({ description: 'the item is not waiting for review (claimed or decided)' })
  assign(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
  ) {
    return this.assignments.assign(principal, id, body);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: "Remove an item's reservation (lead, admin); 204 whether or not there was one",
  })
  @ApiNoContentResponse({ description: "the item is everyone's again" })
  @ApiForbiddenResponse({ description: 'not a lead or admin' })
  @ApiNotFoundResponse({ description: 'unknown item' })
  async unassign(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.assignments.unassign(principal, id);
  }
}
