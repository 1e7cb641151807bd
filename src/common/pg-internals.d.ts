/**
 * The two pieces of pg's own lib that src/common/pg-pipeline.ts builds on (pg exports `./lib/*`
 * in its package.json; @types/pg describes neither).
 */
declare module 'pg/lib/utils' {
  /** How pg turns a JavaScript value into a bind parameter (Date, Buffer, array, JSON…). */
  export function prepareValue(value: unknown): unknown;
}
