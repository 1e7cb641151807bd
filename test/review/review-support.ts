/** Small helpers shared by the reviewing tests (over HTTP, like a product system and reviewers). */
import assert from 'node:assert/strict';
import { Api, serverPerFile, submit } from '../support/harness';

/** Kept here too: the reviewing tests import them from beside them. */
export { serverPerFile, submit };

export const BLOCK = 0.2;
export const FLAG = 0.7;
export const APPROVE = 0.95;

/** Submits one at a time so createdAt (and so hand-out order) follows the list. */
export async function submitInOrder(key: Api, slug: string, confidences: number[]) {
  const items = [];
  for (const confidence of confidences) {
    items.push(await submit(key, slug, { confidence }));
    await new Promise((r) => setTimeout(r, 5));
  }
  return items;
}

export async function claim(api: Api, slug: string) {
  return api.post(`/v1/queues/${slug}/claim`);
}

/** Claims and expects an item; returns it. */
export async function claimItem(api: Api, slug: string) {
  const res = await claim(api, slug);
  assert.equal(res.status, 200, `claim: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.item as { id: string; status: string; [k: string]: any };
}

export function decide(api: Api, id: string, body: Record<string, unknown>) {
  return api.post(`/v1/items/${id}/decision`, body);
}

export async function events(api: Api, id: string) {
  const res = await api.get(`/v1/items/${id}/events`);
  assert.equal(res.status, 200);
  return res.body.events as { type: string; actor: string; details: Record<string, any> }[];
}

export async function chainVerifies(api: Api, id: string) {
  const res = await api.get(`/v1/items/${id}/events/verify`);
  assert.equal(res.status, 200);
  assert.equal(res.body.valid, true, JSON.stringify(res.body));
}
