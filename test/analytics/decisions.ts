/** Makes real decisions through the API: claim whatever comes next and decide it by plan. */
import assert from 'node:assert/strict';
import type { Api } from '../support/harness';

export interface PlannedDecision {
  action: 'approve' | 'reject' | 'correct' | 'escalate';
  correctedOutput?: unknown;
  labels?: string[];
  reason?: string;
  comment?: string;
}
export type Plan = Map<string, PlannedDecision>;

/**
 * Claims from the queue until every planned item is decided. Every item the reviewer is handed
 * must have a plan (tests submit items they do not want decided only afterwards), unless
 * releaseOthers is set. Returns the
 * decision responses (items) by id, in decision order.
 */
export async function decideAll(
  reviewer: Api,
  slug: string,
  plan: Plan,
  opts: { releaseOthers?: boolean } = {},
): Promise<Map<string, any>> {
  const results = new Map<string, any>();
  const todo = new Map(plan);
  while (todo.size > 0) {
    const claim = await reviewer.post(`/v1/queues/${slug}/claim`);
    assert.equal(
      claim.status,
      200,
      `claim: ${claim.status} ${JSON.stringify(claim.body)} (still planned: ${todo.size})`,
    );
    const id = claim.body.item.id as string;
    const decision = todo.get(id);
    if (!decision && opts.releaseOthers) {
      // Released items are not handed straight back to the same person while others wait.
      assert.equal((await reviewer.delete(`/v1/items/${id}/lease`)).status, 204);
      continue;
    }
    assert.ok(decision, `claimed an item without a plan: ${id}`);
    const res = await reviewer.post(`/v1/items/${id}/decision`, decision);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    results.set(id, res.body);
    todo.delete(id);
  }
  return results;
}
