import { invalidField } from '../common/errors';

/**
 * Keyset cursors over (created_at, id) descending: the next page starts strictly after the last
 * item shown, so items that arrive meanwhile (newer, hence before the cursor) never shift a page.
 */
export function encodeCursor(item: { createdAt: Date; id: string }): string {
  return Buffer.from(`${item.createdAt.toISOString()}|${item.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw invalidField('cursor', 'cursor must be a nextCursor value returned by this endpoint');
  }
  return { createdAt, id };
}
