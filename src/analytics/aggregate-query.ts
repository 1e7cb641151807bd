import type { DataSource } from 'typeorm';

/**
 * Runs one aggregate pass over many items with planner settings suited to it, scoped to its own
 * transaction (SET LOCAL):
 * - hash aggregation instead of sort: Postgres cannot estimate how few groups a computed bucket
 *   (floor(confidence * bins)) makes, assumes one per row and sorts a million rows to disk;
 * - no JIT: the verdict's EXISTS inflates the cost estimate past the JIT thresholds, and
 *   compiling takes longer than the query itself.
 */
export async function aggregateQuery<T>(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  return dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL jit = off; SET LOCAL enable_sort = off');
    return (await manager.query(sql, params)) as T[];
  });
}
