import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Named prepared statements for the hot paths (claim, decision, submission flush).
 *
 * pg sends every parameterised query as an unnamed statement, so Postgres parses and plans it on
 * every call. For the claim and decision statements (CTEs over several tables) planning cost more
 * than running them: measured with pg_stat_statements during the review benchmark, 1.2 ms of
 * planning against 0.8 ms of execution per claim + decide cycle. A statement registered here is
 * sent with a name instead: parsed once per connection, and after a few executions Postgres keeps
 * a generic plan for it (plan_cache_mode auto).
 *
 * Opt-in per statement text (`prepared(sql)` returns the text unchanged and registers it), not for
 * every query: a statement whose text varies without bound (IN lists, ad hoc filters) would leave a
 * prepared statement per variant on every connection, and rare queries (analytics, exports) gain
 * nothing from a generic plan and could lose from one. The registry is capped for the same reason.
 * `DATABASE_PREPARED_STATEMENTS=false` leaves this client out of the pool (a pooler in transaction
 * mode, such as PgBouncer before 1.21, cannot keep named statements).
 *
 * Registered statements must not return `*` of a table: a prepared statement's result columns are
 * fixed when it is parsed, and a column added by a later migration would then fail it ("cached
 * plan must not change result type"). Should that happen anyway, the text is sent unnamed on that
 * connection from then on.
 */
const names = new Map<string, string>();
const MAX_PREPARED = 200;

export function prepared(text: string): string {
  if (!names.has(text) && names.size < MAX_PREPARED)
    names.set(text, `verdict_${createHash('sha256').update(text).digest('hex').slice(0, 20)}`);
  return text;
}

/** How many statement texts are registered (for tests: the cap holds). */
export function preparedCount(): number {
  return names.size;
}

const RESULT_TYPE_CHANGED = 'cached plan must not change result type';

/**
 * The pg client the pool hands out (pg's `Pool({ Client })` option): sends registered texts as
 * named statements, everything else exactly as pg would. Its `query` keeps pg's typings.
 */
export class PreparingClient extends Client {
  /** Texts whose prepared form broke on this connection (the schema changed under it). */
  unnamed?: Set<string>;
}

type AnyQuery = (this: Client, ...args: unknown[]) => unknown;
const pgQuery = Client.prototype.query as unknown as AnyQuery;

// pg's query() has many overloads (callbacks, submittables, config objects): only the
// (text, values) promise form is rewritten, every other call passes through untouched.
(PreparingClient.prototype as unknown as { query: AnyQuery }).query = function (
  this: PreparingClient,
  ...args: unknown[]
): unknown {
  const [text, values] = args;
  if (typeof text !== 'string' || !Array.isArray(values) || args.length !== 2)
    return pgQuery.apply(this, args);
  const name = names.get(text);
  if (!name || this.unnamed?.has(text)) return pgQuery.apply(this, args);
  return (pgQuery.call(this, { name, text, values }) as Promise<unknown>).catch(
    (error: unknown) => {
      if (error instanceof Error && error.message.includes(RESULT_TYPE_CHANGED))
        (this.unnamed ??= new Set()).add(text);
      throw error;
    },
  );
};
