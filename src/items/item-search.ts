/**
 * The full-text documents of GET /v1/items?q=. Each expression is exactly the one its GIN index
 * was built on (migrations/…-ItemSearch), so Postgres answers `@@` from the index; change one only
 * together with a migration that rebuilds its index.
 *
 * The 'simple' configuration (lower-casing, no stemming, no stop words) because items are in any
 * language and hold codes and names that stemming would mangle.
 */
export const SEARCH_CONFIG = 'simple';

/** An item's externalId, the string values of its input and output, and its reasons. */
export const itemSearchVector = (alias: string) =>
  `(to_tsvector('simple'::regconfig, COALESCE(${alias}.external_id, ''::text))` +
  ` || jsonb_to_tsvector('simple'::regconfig, COALESCE(${alias}.input, 'null'::jsonb), '["string"]'::jsonb)` +
  ` || jsonb_to_tsvector('simple'::regconfig, ${alias}.output, '["string"]'::jsonb)` +
  ` || jsonb_to_tsvector('simple'::regconfig, ${alias}.reasons, '["string"]'::jsonb))`;

/** A review's reason and comment (an escalation note is the escalating decision's comment). */
export const reviewSearchVector = (alias: string) =>
  `to_tsvector('simple'::regconfig, (COALESCE(${alias}.reason, ''::text) || ' '::text) || COALESCE(${alias}.comment, ''::text))`;

/** A comment's body. */
export const commentSearchVector = (alias: string) =>
  `to_tsvector('simple'::regconfig, ${alias}.body)`;

/**
 * Where the search text (the named parameter, parsed like a web search: words, "phrases",
 * -exclusions, or) may match, as predicates over the item `i`: its own text, a review's, a
 * comment's. Used one at a time (see ItemSearchService): an OR of them could use no index.
 */
export function textMatches(param: string): string[] {
  const query = `websearch_to_tsquery('simple'::regconfig, :${param})`;
  return [
    `${itemSearchVector('i')} @@ ${query}`,
    `i.id IN (SELECT r.item_id FROM reviews r WHERE ${reviewSearchVector('r')} @@ ${query})`,
    `i.id IN (SELECT c.item_id FROM item_comments c WHERE ${commentSearchVector('c')} @@ ${query})`,
  ];
}
