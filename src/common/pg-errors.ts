/**
 * The one place Postgres error codes (SQLSTATE) are read. pg puts `code` and `constraint` on its
 * errors; TypeORM wraps them in a QueryFailedError that copies them and keeps the original as
 * `driverError`, so both shapes are read here.
 */
export const PG = {
  uniqueViolation: '23505',
  duplicateDatabase: '42P04',
  adminShutdown: '57P01',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
} as const;

interface PgErrorFields {
  code?: unknown;
  constraint?: unknown;
  driverError?: { code?: unknown; constraint?: unknown };
}

/** The SQLSTATE of a Postgres error (or a TypeORM error wrapping one), else ''. */
export function pgCode(error: unknown): string {
  const e = error as PgErrorFields | null | undefined;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : '';
}

/** A unique-index violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (pgCode(error) !== PG.uniqueViolation) return false;
  if (constraint === undefined) return true;
  const e = error as PgErrorFields | null | undefined;
  return (e?.constraint ?? e?.driverError?.constraint) === constraint;
}

/** SQLSTATE class 22, data exception: bad encoding, value out of range, invalid JSON text. */
export function isDataException(error: unknown): boolean {
  return pgCode(error).startsWith('22');
}

/** Postgres refusing connections for now (shutting down, starting up, out of slots). */
export function isPgUnavailable(error: unknown): boolean {
  return [PG.adminShutdown, PG.cannotConnectNow, PG.tooManyConnections].includes(
    pgCode(error) as never,
  );
}
