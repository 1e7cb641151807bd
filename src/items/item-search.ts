/**
 * The full-text documents of GET /v1/items?q=. Each expression is exactly the one its GIN index
 * was built on (migrations/…-ItemSearch), so Postgres answers `@@` from the index; change one only
 * together with a migration that rebuilds its index.
 *
 * The 'simple' configuration (lower-casing, no stemming, no stop words) because items are in any
 * language and hold codes and names that stemming would mangle.
 */
export const SEARCH_CONFIG = 'simple';

/*
 * An item's own document (its externalId, the string values of its input and output, and its
 * reasons) is stored in `item_search`, one row per item with a GIN index, kept by triggers on
 * `items` (migrations/1796060000000-ItemSearchDocuments.ts): written once per INSERT statement
 * and again only when one of those four columns changes. An expression index on `items` itself
 * re-tokenised the whole input and output on every claim and decision.
 */

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
    `i.id IN (SELECT s.item_id FROM item_search s WHERE s.document @@ ${query})`,
    `i.id IN (SELECT r.item_id FROM reviews r WHERE ${reviewSearchVector('r')} @@ ${query})`,
    `i.id IN (SELECT c.item_id FROM item_comments c WHERE ${commentSearchVector('c')} @@ ${query})`,
  ];
}
