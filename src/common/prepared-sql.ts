import { createHash } from 'node:crypto';
import { Client, type QueryResult } from 'pg';
import { runPipeline, type PipelineStep, type RowLayout } from './pg-pipeline';

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

/**
 * Statements whose result no one reads (an audit append inside the claim's transaction): inside a
 * transaction they are held back and sent in the same write as whatever comes next, normally the
 * COMMIT. Their error, should there be one, is then the COMMIT's (the transaction fails either
 * way). Register with `sentWithCommit(prepared(sql))`.
 */
const withCommit = new Set<string>();

export function sentWithCommit(text: string): string {
  if (withCommit.size < MAX_PREPARED) withCommit.add(text);
  return text;
}

const RESULT_TYPE_CHANGED = 'cached plan must not change result type';

/**
 * After "cached plan must not change result type" (the schema changed under a prepared
 * statement), the texts involved are sent unnamed on this connection from then on; rethrows.
 */
function unnameOnResultChange(client: PreparingClient, texts: string[], error: unknown): never {
  if (error instanceof Error && error.message.includes(RESULT_TYPE_CHANGED))
    for (const text of texts) (client.unnamed ??= new Set()).add(text);
  throw error;
}

/** What pg would have answered for a statement that was not sent (nothing to send yet). */
const unsent = (command: string) => ({ command, rowCount: null, rows: [], fields: [] });

/**
 * The pg client the pool hands out (pg's `Pool({ Client })` option): sends registered texts as
 * named statements, everything else exactly as pg would. Its `query` keeps pg's typings.
 *
 * It also saves round trips inside TypeORM transactions (src/common/pg-pipeline.ts says why):
 * - START TRANSACTION is not sent on its own but in the same pipeline as the transaction's first
 *   statement (a transaction that sends nothing sends no BEGIN and no COMMIT either);
 * - a `sentWithCommit` statement is held back and sent in the same pipeline as the next
 *   statement, normally the COMMIT.
 * The statements, their order and the transaction they run in are exactly those the caller
 * issued; only the number of writes changes. A statement not yet prepared on this connection is
 * sent the ordinary way (so it gets prepared), and forms other than (text, values) always are.
 */
export class PreparingClient extends Client {
  /** Texts whose prepared form broke on this connection (the schema changed under it). */
  unnamed?: Set<string>;
  /** START TRANSACTION seen and not yet sent; open: sent; none: no transaction we track. */
  transaction: 'none' | 'deferred' | 'open' = 'none';
  /** A sentWithCommit statement waiting for the next statement of its transaction. */
  held?: PipelineStep;
  /** Row layouts of this connection's named statements (pg-pipeline.ts says why). */
  readonly layouts = new Map<string, RowLayout>();
}

type AnyQuery = (this: Client, ...args: unknown[]) => unknown;
type PreparingQuery = (this: PreparingClient, ...args: unknown[]) => unknown;
const pgQuery = Client.prototype.query as unknown as AnyQuery;

/** The named form of a registered text, or null where it must be sent unnamed on this client. */
function nameOn(client: PreparingClient, text: string): string | undefined {
  const name = names.get(text);
  return name && !client.unnamed?.has(text) ? name : undefined;
}

/** Whether `name` is prepared on this connection as `text` (pg records what it parsed). */
function parsedOn(client: PreparingClient, name: string, text: string): boolean {
  const parsed = (client as unknown as { connection: { parsedStatements: Record<string, string> } })
    .connection.parsedStatements;
  return parsed[name] === text;
}

/**
 * Sends one statement as pg would, by name when registered. Once prepared on this connection it
 * goes as a pipeline of one, which reuses the statement's row layout instead of asking Postgres
 * to describe the result again.
 */
function sendOne(client: PreparingClient, text: string, values?: unknown[]): Promise<QueryResult> {
  const name = values ? nameOn(client, text) : undefined;
  if (!name) return pgQuery.call(client, text, values) as Promise<QueryResult>;
  const sent = parsedOn(client, name, text)
    ? runPipeline(client, [{ text, values, name }], 0, client.layouts)
    : (pgQuery.call(client, { name, text, values }) as Promise<QueryResult>);
  return sent.catch((error: unknown) => unnameOnResultChange(client, [text], error));
}

/**
 * Sends `steps` and answers with the result of the last one: as one pipeline when every named
 * step is already prepared on this connection, else one by one (pg's queue keeps the order),
 * failing with the first step's error, as awaiting each in turn would.
 */
function send(client: PreparingClient, steps: PipelineStep[]): Promise<QueryResult> {
  const ready = steps.every((step) => {
    if (!step.values) return true;
    const name = nameOn(client, step.text);
    if (name && !parsedOn(client, name, step.text)) return false;
    step.name = name;
    return true;
  });
  if (ready)
    // Not knowing which step it was: every named one goes unnamed on this connection.
    return runPipeline(client, steps, steps.length - 1, client.layouts).catch((error: unknown) =>
      unnameOnResultChange(
        client,
        steps.filter((step) => step.name).map((step) => step.text),
        error,
      ),
    );
  const sent = steps.map((step) => sendOne(client, step.text, step.values));
  return Promise.allSettled(sent).then((outcomes) => {
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    return (outcomes[outcomes.length - 1] as PromiseFulfilledResult<QueryResult>).value;
  });
}

// pg's query() has many overloads (callbacks, submittables, config objects): only the
// (text, values) promise form is rewritten, every other call passes through untouched (after
// whatever this client held back, so the order holds).
(PreparingClient.prototype as unknown as { query: PreparingQuery }).query = function (
  this: PreparingClient,
  ...args: unknown[]
): unknown {
  const [text, values] = args;
  const control = typeof text === 'string' && values === undefined && args.length <= 2;
  if (control && text === 'START TRANSACTION') {
    if (this.transaction === 'none') {
      this.transaction = 'deferred';
      return Promise.resolve(unsent('BEGIN'));
    }
    // Out of step with TypeORM: stop holding anything back.
    this.transaction = 'none';
  }
  if (control && (text === 'COMMIT' || text === 'ROLLBACK')) {
    const { transaction, held } = this;
    this.transaction = 'none';
    this.held = undefined;
    if (transaction === 'deferred') return Promise.resolve(unsent(text));
    // A ROLLBACK drops a held statement: it would be undone anyway.
    if (held && text === 'COMMIT') return send(this, [held, { text }]);
    return pgQuery.apply(this, args);
  }
  const before: PipelineStep[] = [];
  if (this.transaction === 'deferred') {
    this.transaction = 'open';
    before.push({ text: 'START TRANSACTION' });
  }
  if (this.held) before.push(this.held);
  this.held = undefined;
  const plain = typeof text === 'string' && Array.isArray(values) && args.length === 2;
  if (!plain) {
    if (before.length === 0) return pgQuery.apply(this, args);
    const earlier = send(this, before);
    const result = pgQuery.apply(this, args) as Promise<unknown> | undefined;
    if (typeof result?.then !== 'function') {
      earlier.catch(() => undefined);
      return result;
    }
    return earlier.then(
      () => result,
      async (error: unknown) => {
        await result.catch(() => undefined);
        throw error;
      },
    );
  }
  if (before.length === 0 && this.transaction === 'open' && withCommit.has(text)) {
    this.held = { text, values };
    return Promise.resolve(unsent('SELECT'));
  }
  if (before.length > 0) return send(this, [...before, { text, values }]);
  return sendOne(this, text, values);
};
