import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Builds parameterised UPDATE / INSERT text from TypeORM entity metadata, so a state change
 * (item row, review, audit events) can go to Postgres as one statement instead of one round
 * trip each. Values are sent the way TypeORM would store them: jsonb as JSON text (a JS string
 * or array must not be mistaken for text or a Postgres array), arrays as Postgres arrays.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

function placeholder(column: ColumnMetadata, value: unknown, params: SqlParams): string {
  const type = typeof column.type === 'string' ? column.type : '';
  if (type === 'jsonb' || type === 'json') {
    return params.add(value === null || value === undefined ? null : JSON.stringify(value), type);
  }
  if (column.isArray) return params.add(value, `${type}[]`);
  return params.add(value);
}

function columnsOf(meta: EntityMetadata, row: object): ColumnMetadata[] {
  return meta.columns.filter((c) => (row as Record<string, unknown>)[c.propertyName] !== undefined);
}

export function updateSql(
  meta: EntityMetadata,
  changes: object,
  where: { column: string; value: unknown },
  params: SqlParams,
): string {
  const sets = columnsOf(meta, changes).map(
    (c) =>
      `"${c.databaseName}" = ${placeholder(c, (changes as Record<string, unknown>)[c.propertyName], params)}`,
  );
  return `UPDATE "${meta.tableName}" SET ${sets.join(', ')} WHERE "${where.column}" = ${params.add(where.value)}`;
}

/** All rows must set the same properties (the first row's decide the columns). */
export function insertSql(meta: EntityMetadata, rows: object[], params: SqlParams): string {
  const columns = columnsOf(meta, rows[0]);
  const values = rows.map(
    (row) =>
      `(${columns.map((c) => placeholder(c, (row as Record<string, unknown>)[c.propertyName], params)).join(', ')})`,
  );
  return `INSERT INTO "${meta.tableName}" (${columns.map((c) => `"${c.databaseName}"`).join(', ')}) VALUES ${values.join(', ')}`;
}
