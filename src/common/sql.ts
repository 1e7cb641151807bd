import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * The one place SQL text is assembled from values: positional parameters, WHERE clauses, and
 * INSERT / UPDATE / record sets built from TypeORM entity metadata, so a change (item row, review,
 * audit events, a batch of submissions) goes to Postgres as one statement instead of one round
 * trip each, and a new column needs no second hand-written list. Values are sent the way
 * TypeORM would store them: jsonb as JSON text (a JS string or array must not be mistaken for
 * text or a Postgres array), arrays as Postgres arrays.
 *
 * Lives in common/ rather than database/: database/ imports auth (seeding), and every feature
 * folder uses this file, so putting it there would close folder import cycles.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  readonly where: string[] = [];

  /** Adds a parameter and returns its placeholder (`$n`, with `::cast` when given). */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }

  /** Adds a condition to the WHERE clause being built. */
  and(condition: string): this {
    this.where.push(condition);
    return this;
  }

  whereSql(): string {
    return whereSql(this.where);
  }
}

export function whereSql(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** A model filter as the API takes it: `name` or `name@version` (version null: no version). */
export interface ModelScope {
  name: string;
  version?: string | null;
}

/**
 * The queue and model filters on items aliased `i` that analytics and exports share; the queue
 * column may be another table's (an export of reviews filters on r.queue_id).
 */
export function itemScopeSql(
  params: SqlParams,
  scope: { queueId?: string; model?: ModelScope },
  queueColumn = 'i.queue_id',
): SqlParams {
  if (scope.queueId) params.and(`${queueColumn} = ${params.add(scope.queueId)}`);
  if (scope.model) {
    params.and(`i.model_name = ${params.add(scope.model.name)}`);
    if (scope.model.version !== undefined)
      params.and(`i.model_version = ${params.add(scope.model.version)}`);
  }
  return params;
}

function typeOf(column: ColumnMetadata): string {
  return typeof column.type === 'string' ? column.type : '';
}

function isJson(column: ColumnMetadata): boolean {
  const type = typeOf(column);
  return type === 'jsonb' || type === 'json';
}

/** The value as the driver should send it for this column. */
function stored(column: ColumnMetadata, value: unknown): unknown {
  if (isJson(column)) return value === null || value === undefined ? null : JSON.stringify(value);
  return value ?? null;
}

/** The column's placeholder as parameter n: jsonb and arrays cast, so JS values are not mistaken. */
function placeholderAt(column: ColumnMetadata, n: number): string {
  const type = typeOf(column);
  if (isJson(column)) return `$${n}::${type}`;
  if (column.isArray) return `$${n}::${type}[]`;
  return `$${n}`;
}

/** The value sent for the column (jsonb as JSON text). */
function parameter(column: ColumnMetadata, value: unknown): unknown {
  return isJson(column) ? stored(column, value) : value;
}

/** Each entity's columns by property name, with their place in the metadata's order. */
const columnPlaces = new WeakMap<EntityMetadata, Map<string, number>>();

function placesOf(meta: EntityMetadata): Map<string, number> {
  let places = columnPlaces.get(meta);
  if (!places) {
    places = new Map(meta.columns.map((c, i) => [c.propertyName, i]));
    columnPlaces.set(meta, places);
  }
  return places;
}

/**
 * The columns a row sets (properties left undefined take the column default), in the metadata's
 * order: found from the row's own keys, a dozen for a state change, rather than by asking the row
 * for each of the entity's sixty columns.
 */
function columnsOf(meta: EntityMetadata, row: object): { columns: ColumnMetadata[]; key: string } {
  const places = placesOf(meta);
  const found: number[] = [];
  for (const key of Object.keys(row)) {
    const place = places.get(key);
    if (place !== undefined && (row as Record<string, unknown>)[key] !== undefined)
      found.push(place);
  }
  found.sort((a, b) => a - b);
  return { columns: found.map((i) => meta.columns[i]), key: found.join(',') };
}

const quoted = (columns: ColumnMetadata[]) => columns.map((c) => `"${c.databaseName}"`).join(', ');

/**
 * Statement texts by shape (table, columns, row count, first parameter number): the hot writes
 * (a decision, a claim's audit append) repeat a handful of shapes, so each text is built once and
 * later writes only add their values. Bounded: past the cap, texts are built every time.
 */
const texts = new Map<string, string>();
const MAX_TEXTS = 1_000;

function textFor(key: string, build: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = build();
    if (texts.size < MAX_TEXTS) texts.set(key, text);
  }
  return text;
}

interface Combinations {
  text?: string;
  next: Map<string, Combinations>;
}
const combinations: Combinations = { next: new Map() };
let combined = 0;

/**
 * The statement `build` makes of these parts, built once per kind (one per `build`) and
 * combination of parts. The parts come from
 * updateSql / insertSql, which hand out the same string for the same shape, so finding the
 * combination hashes no text (a string keeps its hash) and the result is again the same string,
 * which the named-statement lookup (prepared-sql.ts) then finds at once too.
 */
export function combinedSql(
  kind: string,
  parts: string[],
  build: (parts: string[]) => string,
): string {
  let node = combinations;
  for (const part of [kind, ...parts]) {
    let next = node.next.get(part);
    if (!next) {
      if (combined >= MAX_TEXTS) return build(parts);
      combined++;
      node.next.set(part, (next = { next: new Map() }));
    }
    node = next;
  }
  return (node.text ??= build(parts));
}

export function updateSql(
  meta: EntityMetadata,
  changes: object,
  where: { column: string; value: unknown },
  params: SqlParams,
): string {
  const { columns, key } = columnsOf(meta, changes);
  const first = params.values.length + 1;
  const text = textFor(
    `update ${meta.tableName} ${where.column} ${first} ${key}`,
    () =>
      `UPDATE "${meta.tableName}" SET ${columns.map((c, i) => `"${c.databaseName}" = ${placeholderAt(c, first + i)}`).join(', ')} WHERE "${where.column}" = $${first + columns.length}`,
  );
  for (const c of columns)
    params.values.push(parameter(c, (changes as Record<string, unknown>)[c.propertyName]));
  params.values.push(where.value);
  return text;
}

/** All rows must set the same properties (the first row's decide the columns). */
export function insertSql(meta: EntityMetadata, rows: object[], params: SqlParams): string {
  const { columns, key } = columnsOf(meta, rows[0]);
  const first = params.values.length + 1;
  const text = textFor(
    `insert ${meta.tableName} ${first} ${rows.length} ${key}`,
    () =>
      `INSERT INTO "${meta.tableName}" (${quoted(columns)}) VALUES ${rows
        .map(
          (_, r) =>
            `(${columns.map((c, i) => placeholderAt(c, first + r * columns.length + i)).join(', ')})`,
        )
        .join(', ')}`,
  );
  for (const row of rows)
    for (const c of columns)
      params.values.push(parameter(c, (row as Record<string, unknown>)[c.propertyName]));
  return text;
}

/** One value as JSON text; the common scalar types without a JSON.stringify call each. */
function jsonText(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Date) return `"${value.toISOString()}"`;
      return JSON.stringify(value);
    default:
      return JSON.stringify(value) ?? 'null';
  }
}

/**
 * Many rows as one parameter: the rows as one JSON array, turned back into rows of the table's
 * type by `jsonb_populate_recordset`, `(SELECT <columns> FROM jsonb_populate_recordset(…)) AS alias`.
 * The parameter count is one however many rows there are, so a large batch never runs into
 * Postgres's parameter limit. `columns` is the quoted column list, in the order the alias
 * yields them. The first row's properties decide the columns; array columns are refused (the
 * callers never set one, and a JS array would read as jsonb-like text, not a Postgres array).
 *
 * (The first version sent one `unnest` array per column: pg escaped every element
 * of every column array on its own — the largest allocation of a submission, ~28 KB of
 * short-lived strings each, and the young-generation GC pauses that followed were the 200/s
 * tail. One JSON text of the rows is a fraction of that; Postgres parses the JSON in C.)
 * The parameter is jsonb, not json: as json, Postgres parsed the whole text twice (json_in
 * checking it, then json_populate_recordset reading it) and every jsonb column's value a third
 * time (its text through jsonb_in), about a third of Postgres's CPU per submitted item. As jsonb
 * the text is parsed once, and a jsonb column takes its value as it is.
 * Values keep their meaning: jsonb values are nested as JSON (null is SQL NULL, as before),
 * Dates go as ISO text with their zone (every date column is timestamptz), numbers as JSON
 * numbers (float8 reads JSON's shortest round-trip form back to the same double).
 */
export function recordSetSql(
  meta: EntityMetadata,
  rows: object[],
  params: SqlParams,
  alias = 't',
): { columns: string; from: string } {
  const { columns } = columnsOf(meta, rows[0]);
  for (const c of columns)
    if (c.isArray) throw new Error(`recordSetSql cannot send array column ${c.databaseName}`);
  // The JSON text is written directly (keys once per column, scalars without JSON.stringify):
  // building an object per row with ~40 computed keys and stringifying it was no faster than
  // the escaping it replaces.
  // A null (or undefined) value leaves its key out: jsonb_populate_recordset reads a missing key
  // as NULL, exactly what JSON null gives, and a new item has a dozen null columns. Rows of one
  // flush share their Date objects (one `now`), so the last ISO text is reused.
  const list = quoted(columns);
  const keys = columns.map((c) => `${JSON.stringify(c.databaseName)}:`);
  const props = columns.map((c) => c.propertyName);
  let lastDate: Date | undefined;
  let lastTime = NaN;
  let lastIso = '';
  let text = '[';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    text += r > 0 ? ',{' : '{';
    let first = true;
    for (let i = 0; i < props.length; i++) {
      const value = row[props[i]];
      if (value === null || value === undefined) continue;
      let json: string;
      if (value instanceof Date) {
        if (value !== lastDate || value.getTime() !== lastTime) {
          lastDate = value;
          lastTime = value.getTime();
          lastIso = `"${value.toISOString()}"`;
        }
        json = lastIso;
      } else json = jsonText(value);
      text += (first ? '' : ',') + keys[i] + json;
      first = false;
    }
    text += '}';
  }
  const param = params.add(`${text}]`, 'jsonb');
  return {
    columns: list,
    from: `(SELECT ${list} FROM jsonb_populate_recordset(NULL::"${meta.tableName}", ${param})) AS ${alias}`,
  };
}
