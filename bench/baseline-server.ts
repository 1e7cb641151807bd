/**
 * The baseline the ingestion benchmark compares against: a bare node:http server that parses
 * the same JSON body and does one INSERT of the same item row per request (one commit each),
 * into the same table Verdict writes. No validation, no routing, no queueing, no auth.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 32 });
const queueId = process.env.QUEUE_ID!;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, any>;
    const now = new Date();
    pool
      .query(
        `INSERT INTO items (id, queue_id, queue_slug, body_hash, model_name, model_version, input, output, confidence, metadata,
           routing, reasons, policy_version, status, usable, created_at, review_state, updated_at)
         VALUES ($1, $2, 'baseline', '', $3, $4, $5, $6, $7, $8, 'flag', '[]', 1, 'pending', true, $9, 'none', $9)`,
        [
          randomUUID(),
          queueId,
          body.model.name,
          body.model.version ?? null,
          JSON.stringify(body.input ?? null),
          JSON.stringify(body.output),
          body.confidence,
          JSON.stringify(body.metadata ?? {}),
          now,
        ],
      )
      .then(
        () => {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        },
        (error: Error) => {
          res.writeHead(500);
          res.end(error.message);
        },
      );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
