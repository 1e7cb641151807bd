import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
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
import { CommentDto, CommentListDto, CreateCommentDto } from './comments.dto';
import { CommentsService } from './comments.service';

@ApiTags('items')
@ApiBearerAuth()
@Controller('v1/items/:id/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get()
  @ApiOperation({
    summary: "The item's comment thread, oldest first",
    description:
      'For anyone who may see the item (users of its queue, API keys with items:read on it). API keys see people as reviewer pseudonyms.',
  })
  @ApiOkResponse({ type: CommentListDto })
  @ApiErrors(400, 403, 404)
  list(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.comments.list(principal, id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Comment on an item',
    description:
      "Markdown, 1–5000 characters. Anyone who may see the item may comment, API keys with items:read on its queue included (the key's name is the author). Subscribers of the queue receive item.commented; the audit trail records a 'commented' event.",
  })
  @ApiBody({ type: CreateCommentDto })
  @ApiCreatedResponse({ type: CommentDto })
  @ApiErrors(
    [400, 'body missing, not a string, empty or over 5000 characters; `fields` names body'],
    403,
    404,
  )
  create(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    // Validated in the service, after the access check (authorization before validation).
    @Body() body: unknown,
  ) {
    return this.comments.create(principal, id, body);
  }
}
