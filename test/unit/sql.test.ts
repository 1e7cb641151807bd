/**
 * Unit tests of the metadata-built SQL (no database: TypeORM builds the entities' metadata
 * without connecting, so the column names and types are the real ones).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DataSource, EntityMetadata } from 'typeorm';
import { Item } from '../../src/items/item.entity';
import { ItemEvent } from '../../src/items/item-event.entity';
import {
  combinedSql,
  insertSql,
  itemScopeSql,
  SqlParams,
  recordSetSql,
  updateSql,
} from '../../src/common/sql';

let items: EntityMetadata;
let events: EntityMetadata;

before(async () => {
  const dataSource = new DataSource({ type: 'postgres', entities: [Item, ItemEvent] });
  // Building metadata is what initialize() does before connecting; nothing here needs a connection.
  await dataSource['buildMetadatas']();
  items = dataSource.getMetadata(Item);
  events = dataSource.getMetadata(ItemEvent);
});

/** An audit event row setting five columns (no created_at). */
const eventRow = (seq: number) => ({
  itemId: 'item-1',
  seq,
  type: 'submitted',
  actor: 'user:u1',
  details: { seq },
});

describe('SqlParams', () => {
  it('numbers placeholders in order and adds casts', () => {
    const params = new SqlParams();
    assert.equal(params.add('a'), '$1');
    assert.equal(params.add(2, 'int'), '$2::int');
    assert.deepEqual(params.values, ['a', 2]);
  });
});

describe('updateSql', () => {
  it('sets only the given properties under their column names, with the where value last', () => {
    const params = new SqlParams();
    const text = updateSql(
      items,
      { status: 'approved', leaseToken: null, decidedAt: new Date(0), notAColumn: 1 },
      { column: 'id', value: 'item-1' },
      params,
    );
    assert.match(text, /^UPDATE "items" SET .* WHERE "id" = \$4$/);
    assert.match(text, /"status" = \$\d/);
    assert.match(text, /"lease_token" = \$\d/);
    assert.match(text, /"decided_at" = \$\d/);
    assert.doesNotMatch(text, /not_a_column|notAColumn/);
    assert.equal(params.values.length, 4);
    assert.equal(params.values[3], 'item-1');
  });
  it('sends jsonb as JSON text (a string or an array is not mistaken for text or a Postgres array)', () => {
    const params = new SqlParams();
    const text = updateSql(
      items,
      { finalOutput: 'plain text' },
      { column: 'id', value: 'x' },
      params,
    );
    assert.match(text, /"final_output" = \$1::jsonb/);
    assert.equal(params.values[0], '"plain text"');
    const arrays = new SqlParams();
    updateSql(items, { finalOutput: [1, 2] }, { column: 'id', value: 'x' }, arrays);
    assert.equal(arrays.values[0], '[1,2]');
    const nulls = new SqlParams();
    updateSql(items, { finalOutput: null }, { column: 'id', value: 'x' }, nulls);
    assert.equal(nulls.values[0], null);
  });
  it('sends array columns as typed Postgres arrays', () => {
    const params = new SqlParams();
    const text = updateSql(
      items,
      { reviewedBy: ['u1', 'u2'] },
      { column: 'id', value: 'x' },
      params,
    );
    assert.match(text, /"reviewed_by" = \$1::uuid\[\]/);
    assert.deepEqual(params.values[0], ['u1', 'u2']);
  });
});

describe('insertSql', () => {
  it('writes several rows in one statement, columns from the first row', () => {
    const params = new SqlParams();
    const text = insertSql(events, [eventRow(1), eventRow(2)], params);
    const columns = text.match(/\((.*?)\) VALUES/)![1].split(', ');
    assert.equal(text.startsWith(`INSERT INTO "${events.tableName}" (`), true);
    assert.equal(columns.length, 5);
    assert.ok(columns.includes('"item_id"'));
    assert.equal(params.values.length, 10);
    assert.match(text, /VALUES \(\$1, .*\), \(\$6, .*\)$/);
    assert.ok(params.values.includes(JSON.stringify({ seq: 2 })));
  });
});

describe('statement texts by shape', () => {
  it('gives a repeated shape the same text (the columns in entity order, whatever the key order) with its own values', () => {
    const one = new SqlParams();
    const first = updateSql(
      items,
      { status: 'approved', usable: true },
      { column: 'id', value: 'a' },
      one,
    );
    const two = new SqlParams();
    const second = updateSql(
      items,
      { usable: false, status: 'rejected' },
      { column: 'id', value: 'b' },
      two,
    );
    assert.equal(second, first);
    assert.deepEqual(one.values, ['approved', true, 'a']);
    assert.deepEqual(two.values, ['rejected', false, 'b']);
  });

  it('numbers a statement after the parameters already taken, and tells shapes apart', () => {
    const params = new SqlParams();
    params.add('taken');
    const update = updateSql(items, { status: 'approved' }, { column: 'id', value: 'a' }, params);
    assert.equal(update, `UPDATE "${items.tableName}" SET "status" = $2 WHERE "id" = $3`);
    const insert = insertSql(events, [eventRow(1)], params);
    assert.match(insert, /VALUES \(\$4, \$5, \$6, \$7, \$8::jsonb\)$/);
    assert.deepEqual(params.values.slice(0, 3), ['taken', 'approved', 'a']);
    // Another property set, or a property left undefined, is another shape.
    const other = updateSql(
      items,
      { status: 'approved', usable: undefined, decidedBy: 'x' },
      { column: 'id', value: 'a' },
      new SqlParams(),
    );
    assert.equal(
      other,
      `UPDATE "${items.tableName}" SET "status" = $1, "decided_by" = $2 WHERE "id" = $3`,
    );
  });

  it('combines parts into one text per kind and combination, built once', () => {
    const a = updateSql(
      items,
      { status: 'approved' },
      { column: 'id', value: 'a' },
      new SqlParams(),
    );
    const b = insertSql(events, [eventRow(1)], new SqlParams());
    let built = 0;
    const build = (parts: string[]) => {
      built++;
      return parts.join('; ');
    };
    const first = combinedSql('test kind', [a, b], build);
    assert.equal(first, `${a}; ${b}`);
    assert.equal(combinedSql('test kind', [a, b], build), first);
    assert.equal(built, 1);
    assert.equal(combinedSql('test kind', [b, a], build), `${b}; ${a}`);
    assert.equal(
      combinedSql('other kind', [a, b], (parts) => parts.join(' | ')),
      `${a} | ${b}`,
    );
  });
});

describe('recordSetSql', () => {
  it('sends the rows as one JSON parameter, whatever the number of rows', () => {
    const params = new SqlParams();
    const row = (seq: number) => ({ ...eventRow(seq), createdAt: new Date(seq) });
    const { columns, from } = recordSetSql(events, [row(1), row(2), row(3)], params, 'e');
    assert.equal(columns, '"item_id", "seq", "type", "actor", "details", "created_at"');
    assert.equal(
      from,
      `(SELECT ${columns} FROM jsonb_populate_recordset(NULL::"item_events", $1::jsonb)) AS e`,
    );
    assert.equal(params.values.length, 1);
    const records = JSON.parse(params.values[0] as string) as Record<string, unknown>[];
    assert.deepEqual(
      records.map((r) => r.seq),
      [1, 2, 3],
    );
    // jsonb is nested as JSON (so a string stays a JSON string), dates as ISO text with the zone.
    assert.deepEqual(records[1], {
      item_id: 'item-1',
      seq: 2,
      type: 'submitted',
      actor: 'user:u1',
      details: { seq: 2 },
      created_at: new Date(2).toISOString(),
    });
  });
  it('leaves a property set to null out of its record (read back as SQL NULL, as JSON null was)', () => {
    const params = new SqlParams();
    recordSetSql(events, [eventRow(1), { ...eventRow(2), details: null }], params);
    const records = JSON.parse(params.values[0] as string) as Record<string, unknown>[];
    assert.ok('details' in records[0]);
    assert.ok(!('details' in records[1]));
    assert.deepEqual(Object.keys(records[1]), ['item_id', 'seq', 'type', 'actor']);
  });
  it('writes the same JSON as JSON.stringify of the rows, for every kind of value', () => {
    const params = new SqlParams();
    const rows = [
      {
        ...eventRow(1),
        actor: 'quote " backslash \\ newline \n tab \t é ☃ 😀',
        createdAt: new Date(1),
      },
      {
        ...eventRow(2),
        details: { n: -0.1, big: 1e21, t: true, f: false, z: null, s: '"' },
        createdAt: new Date(2),
      },
      {
        ...eventRow(3),
        seq: 0,
        details: ['a', 1, { b: [null] }] as unknown as object,
        createdAt: new Date(3),
      },
    ];
    // Rows of one flush share a Date object; then another one.
    rows.push({ ...rows[2], seq: 4 }, { ...rows[2], seq: 5, createdAt: new Date(5) });
    recordSetSql(events, rows, params);
    const expected = rows.map((r) => ({
      item_id: r.itemId,
      seq: r.seq,
      type: r.type,
      actor: r.actor,
      details: r.details,
      created_at: r.createdAt,
    }));
    assert.equal(params.values[0], JSON.stringify(expected));
  });
  it('refuses array columns (unnest would flatten them)', () => {
    assert.throws(() => recordSetSql(items, [{ reviewedBy: ['u1'] }], new SqlParams()), /array/);
  });
});

describe('WHERE building', () => {
  it('joins conditions with AND, and leaves no WHERE when there are none', () => {
    const params = new SqlParams();
    assert.equal(params.whereSql(), '');
    params.and(`a = ${params.add(1)}`).and(`b = ${params.add(2)}`);
    assert.equal(params.whereSql(), 'WHERE a = $1 AND b = $2');
  });
  it('filters items by queue and model, version only when given', () => {
    const byName = itemScopeSql(new SqlParams(), { queueId: 'q', model: { name: 'm' } });
    assert.deepEqual(byName.where, ['i.queue_id = $1', 'i.model_name = $2']);
    const versionless = itemScopeSql(
      new SqlParams(),
      { model: { name: 'm', version: null } },
      'r.queue_id',
    );
    assert.deepEqual(versionless.where, ['i.model_name = $1', 'i.model_version = $2']);
    assert.deepEqual(versionless.values, ['m', null]);
    const nothing = itemScopeSql(new SqlParams(), {});
    assert.equal(nothing.whereSql(), '');
  });
});
