import { Client, type QueryResult } from 'pg';
import { prepareValue } from 'pg/lib/utils';

/**
 * Several statements in one write and one round trip: Parse (unless already prepared), Bind,
 * Execute for each, then a single Sync.
 *
 * Why: on this kind of machine (a VM where every socket write wakes a process on the other
 * core) a round trip to Postgres costs the server ~50 µs of CPU and Postgres as much again,
 * whatever the statement. A claim used to be four of them (BEGIN, claim, audit append, COMMIT).
 *
 * Semantics are the extended protocol's: the statements run in order; after an error Postgres
 * skips the rest up to the Sync (so nothing after a failed statement runs, exactly as when the
 * caller awaited each one); without an explicit BEGIN they form one implicit transaction. Only
 * one step's result is returned (`main`); the others' rows are dropped.
 *
 * Built on pg's Query (the result parsing, error and callback handling stay pg's own); only
 * what it writes and which messages reach its result differ.
 */
export interface PipelineStep {
  text: string;
  values?: unknown[];
  /** A statement already prepared on this connection under this name (else sent unnamed). */
  name?: string;
}

/**
 * A statement's row layout as pg's Result builds it from a RowDescription: the fields, a value
 * parser per field and the empty row every parsed row is copied from.
 *
 * Why keep it: pg asks Postgres to describe the result on every execution, and rebuilds all
 * three from the answer. For an `items` row that is 60 fields, and it was ~3 % of the server's
 * CPU in a review cycle. A named statement's layout cannot change while the statement lives:
 * Postgres refuses to run it with another result type ("cached plan must not change result
 * type"), and prepared-sql.ts then sends that text unnamed, so its layout is never used again.
 */
export interface RowLayout {
  fields: unknown[];
  parsers: unknown[] | undefined;
  empty: unknown;
}

/** pg's Result, the parts a row layout lives in. */
interface PgResult {
  fields: unknown[];
  _parsers: unknown[] | undefined;
  _prebuiltEmptyResultObject: unknown;
}

interface Connection {
  parse(config: { text: string; name: string; types: unknown[] }): void;
  bind(config: {
    portal: string;
    statement: string;
    values: unknown[];
    binary: boolean;
    valueMapper: (value: unknown) => unknown;
  }): void;
  describe(config: { type: 'P'; name: string }): void;
  execute(config: { portal: string }): void;
  sync(): void;
}

/** pg's Query as this file uses it (its handle* methods are what the client calls per message). */
interface PgQuery {
  binary?: boolean;
  _result: PgResult;
  _accumulateRows: unknown;
  callback?: (error: Error | null, result?: QueryResult) => void;
  requiresPreparation(): boolean;
  prepare(connection: Connection): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: Connection): void;
  handleEmptyQuery(connection: Connection): void;
}

/** pg's Query. Given a string, it does not copy a config object property by property (slow). */
const PgQueryClass = (Client as unknown as { Query: new (text: string) => PgQuery }).Query;

class PipelineQuery extends PgQueryClass {
  /** Which step the messages arriving now belong to (each ends with CommandComplete). */
  private step = 0;

  /** The returned step's layout, known from an earlier execution on this connection. */
  private readonly known?: RowLayout;

  constructor(
    private readonly steps: PipelineStep[],
    private readonly main: number,
    /** Row layouts of named statements on this connection, by statement name. */
    private readonly layouts?: Map<string, RowLayout>,
  ) {
    super(steps[main].text);
    const name = steps[main].name;
    this.known = name ? layouts?.get(name) : undefined;
  }

  override requiresPreparation(): boolean {
    return true;
  }

  // pg corks the socket around this: one write for everything.
  override prepare(connection: Connection): void {
    this.steps.forEach((step, index) => {
      if (!step.name) connection.parse({ text: step.text, name: '', types: [] });
      connection.bind({
        portal: '',
        statement: step.name ?? '',
        values: step.values ?? [],
        binary: this.binary === true,
        valueMapper: prepareValue,
      });
      // Only the returned step needs its row layout, and only when it is not known yet.
      if (index === this.main && !this.known) connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    });
    connection.sync();
    // What handleRowDescription would have done with the description it will not receive.
    if (this.known) {
      this._result.fields = this.known.fields;
      this._result._parsers = this.known.parsers;
      this._result._prebuiltEmptyResultObject = this.known.empty;
      this._accumulateRows = true;
    }
  }

  override handleRowDescription(message: unknown): void {
    if (this.step !== this.main) return;
    super.handleRowDescription(message);
    const name = this.steps[this.main].name;
    if (name && this.layouts)
      this.layouts.set(name, {
        fields: this._result.fields,
        parsers: this._result._parsers,
        empty: this._result._prebuiltEmptyResultObject,
      });
  }

  override handleDataRow(message: unknown): void {
    if (this.step === this.main) super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.step === this.main) super.handleCommandComplete(message, connection);
    this.step++;
  }

  override handleEmptyQuery(): void {
    this.step++;
  }
}

type QueryFn = (this: Client, ...args: unknown[]) => unknown;
const pgQuery = Client.prototype.query as unknown as QueryFn;

/**
 * Sends the steps as one pipeline on `client`; resolves to the result of `steps[main]`. With
 * `layouts` (the client's own), a named main step's row layout is learnt once and reused.
 */
export function runPipeline(
  client: Client,
  steps: PipelineStep[],
  main: number,
  layouts?: Map<string, RowLayout>,
): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new PipelineQuery(steps, main, layouts);
    query.callback = (error, result) => (error ? reject(error) : resolve(result!));
    pgQuery.call(client, query);
  });
}
