import { ApiProperty } from '@nestjs/swagger';

export const COMMENT_MAX_CHARS = 5000;

export class CreateCommentDto {
  @ApiProperty({
    example:
      'Checked with billing: the refund left on **Monday 3 November**. @dana please confirm.',
    minLength: 1,
    maxLength: COMMENT_MAX_CHARS,
    description: 'markdown text, 1–5000 characters (not only spaces)',
  })
  body!: string;
}

export class CommentAuthorDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "the user's id (for API keys: the reviewer pseudonym, rv_…); null when an API key wrote the comment",
  })
  id!: string | null;
  @ApiProperty({ example: 'Dana Lead', description: "the user's or API key's name" })
  name!: string;
  @ApiProperty({ enum: ['user', 'apiKey'] })
  kind!: string;
}

export class CommentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) itemId!: string;
  @ApiProperty({ type: CommentAuthorDto }) author!: CommentAuthorDto;
  @ApiProperty({ description: 'markdown as written' }) body!: string;
  @ApiProperty() createdAt!: Date;
}

export class CommentListDto {
  @ApiProperty({ type: [CommentDto], description: 'oldest first' }) comments!: CommentDto[];
}

/**
 * A new comment on an item of the queue, as the live event 'item.commented' carries it (see
 * live/live.events.ts): enough to append it to an open thread.
 */
export interface LiveComment {
  /** The comment's id. */
  id: string;
  itemId: string;
  queue: string;
  author: { id: string | null; name: string; kind: string };
  body: string;
  createdAt: Date;
}
