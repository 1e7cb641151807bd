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
  callback?: (error: Error | null, result?: QueryResult) => void;
  requiresPreparation(): boolean;
  prepare(connection: Connection): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: Connection): void;
  handleEmptyQuery(connection: Connection): void;
}

const PgQueryClass = (Client as unknown as { Query: new (config: { text: string }) => PgQuery })
  .Query;

class PipelineQuery extends PgQueryClass {
  /** Which step the messages arriving now belong to (each ends with CommandComplete). */
  private step = 0;

  constructor(
    private readonly steps: PipelineStep[],
    private readonly main: number,
  ) {
    super({ text: steps[main].text });
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
      // Only the returned step needs its row layout.
      if (index === this.main) connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
    });
    connection.sync();
  }

  override handleRowDescription(message: unknown): void {
    if (this.step === this.main) super.handleRowDescription(message);
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

/** Sends the steps as one pipeline on `client`; resolves to the result of `steps[main]`. */
export function runPipeline(
  client: Client,
  steps: PipelineStep[],
  main: number,
): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new PipelineQuery(steps, main);
    query.callback = (error, result) => (error ? reject(error) : resolve(result!));
    pgQuery.call(client, query);
  });
}
