/** Someone who can be named with @ in a comment. */
export interface Mentionable {
  id: string;
  name: string;
  email: string;
  roles: string[];
  queues: string[];
}

const WORD = /[\p{L}\p{N}_.@-]/u;

/**
 * The users a comment names with `@name` or `@email` (case-insensitive; the longest match at
 * each @ wins, so "@Ada Lovelace" is not also "@Ada"). Only people who may see the queue count:
 * a mention never mails an item to someone who could not open it.
 */
export function findMentions<U extends Mentionable>(body: string, users: U[], slug: string): U[] {
  const lower = body.toLowerCase();
  const found = new Map<string, U>();
  const eligible = users.filter(
    (u) =>
      u.roles.some((r) => r === 'admin' || r === 'lead' || r === 'analyst') ||
      u.queues.includes(slug),
  );
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    // "a@b" inside a word is an email address in the text, not a mention.
    if (at > 0 && WORD.test(body[at - 1])) continue;
    const rest = lower.slice(at + 1);
    let best: { user: U; length: number } | null = null;
    for (const user of eligible)
      for (const handle of [user.email.toLowerCase(), user.name.toLowerCase().trim()]) {
        if (!handle || !rest.startsWith(handle)) continue;
        const next = rest[handle.length];
        // The handle must end where a word ends ("@ann" is not "@anna"); a trailing "." is punctuation.
        if (
          next !== undefined &&
          WORD.test(next) &&
          !(next === '.' && !WORD.test(rest[handle.length + 1] ?? ' '))
        )
          continue;
        if (!best || handle.length > best.length) best = { user, length: handle.length };
      }
    if (best) found.set(best.user.id, best.user);
  }
  return [...found.values()];
}
