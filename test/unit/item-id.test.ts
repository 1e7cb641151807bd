/** Unit tests of new item ids: UUIDv7, ordered by creation time, unique. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newItemId, uuidV7 } from '../../src/items/item-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The creation time a UUIDv7 carries in its first 48 bits. */
const timeOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

for (const [name, generate] of [
  ['newItemId', () => newItemId()],
  ['the fallback for Node before 24.16', () => uuidV7()],
] as const) {
  describe(`item ids (${name})`, () => {
    it('are UUIDv7 with the current time in their first 48 bits', () => {
      const before = Date.now();
      const id = generate();
      assert.match(id, UUID_V7);
      assert.ok(timeOf(id) >= before && timeOf(id) <= Date.now(), id);
    });

    it('sort by creation across milliseconds, and never repeat', async () => {
      const ids: string[] = [];
      for (let round = 0; round < 3; round++) {
        // Many in one millisecond too: uniqueness comes from the random bits then.
        for (let i = 0; i < 3000; i++) ids.push(generate());
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      assert.equal(new Set(ids).size, ids.length);
      const last = ids.slice(-1)[0];
      const first = ids[0];
      assert.ok(first < last && timeOf(first) < timeOf(last));
      // Ids from different milliseconds compare in time order, as text and so as Postgres uuids.
      for (let i = 1; i < ids.length; i++)
        if (timeOf(ids[i]) !== timeOf(ids[i - 1])) assert.ok(ids[i - 1] < ids[i], `${i}`);
    });
  });
}

describe('uuidV7', () => {
  it('writes the given time big-endian, whatever the random bits', () => {
    const at = Date.UTC(2026, 11, 1, 4, 40, 23, 312);
    const id = uuidV7(at);
    assert.equal(
      id.slice(0, 13),
      `${at.toString(16).padStart(12, '0').slice(0, 8)}-${at.toString(16).padStart(12, '0').slice(8)}`,
    );
    assert.equal(timeOf(id), at);
  });
});
