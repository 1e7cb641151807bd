import type { Comment } from './types';

/** Adds a comment to a cached thread once (the poster's answer and the live event both carry it). */
export function appendComment(
  old: { comments: Comment[] } | undefined,
  comment: Comment,
): { comments: Comment[] } | undefined {
  // A thread nobody has loaded is fetched whole when someone opens it.
  if (!old) return old;
  if (old.comments.some((c) => c.id === comment.id)) return old;
  return { comments: [...old.comments, comment] };
}
