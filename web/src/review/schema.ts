/**
 * Checks a correction against the queue's outputSchema in the browser, with the same Ajv
 * settings as the server, so a reviewer sees the problem before sending. Ajv runs in a worker
 * (schema.worker.ts), loaded only when a correction is first checked: it compiles schemas to
 * code, which the page's Content-Security-Policy does not allow.
 */
import type { SchemaAnswer, SchemaRequest } from './schema.worker';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, (problem: string | null) => void>();

function schemaWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./schema.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }: MessageEvent<SchemaAnswer>) => {
    pending.get(data.id)?.(data.problem);
    pending.delete(data.id);
  };
  // A worker that cannot start leaves the judgement to the server, as an uncompilable schema does.
  worker.onerror = () => {
    for (const resolve of pending.values()) resolve(null);
    pending.clear();
  };
  return worker;
}

/** Null when the value passes (or there is no schema), else a readable list of problems. */
export function schemaErrors(schema: unknown, value: unknown): Promise<string | null> {
  // A queue's outputSchema is any JSON value in the API; only an object or boolean is a schema.
  if (schema === null || (typeof schema !== 'object' && typeof schema !== 'boolean'))
    return Promise.resolve(null);
  const request: SchemaRequest = { id: nextId++, schema, value };
  return new Promise((resolve) => {
    pending.set(request.id, resolve);
    schemaWorker().postMessage(request);
  });
}
