/**
 * Public types of @verdict/client, taken from the server's OpenAPI document
 * (`src/generated/openapi.ts`, generated with openapi-typescript by `npm run openapi`).
 * Free-form JSON fields (`input`, `output`, `finalOutput`, `correctedOutput`) are any JSON value
 * (`unknown`).
 */
import type { components } from './generated/openapi';

type Schemas = components['schemas'];

export type Routing = Schemas['ItemDto']['routing'];
export type ItemStatus = Schemas['ItemDto']['status'];
export type Reason = Schemas['ReasonDto'];
/** One person's decision on an item. */
export type Review = Schemas['ReviewDto'];
/** An item; `reviews` is there on `getItem`, `waitForDecision` and webhook deliveries. */
export type Item = Schemas['ItemDto'] & { reviews?: Review[] };
/** What `submit` sends (`externalId` is generated when absent). */
export type Submission = Schemas['SubmitItemDto'];
export type BatchError = Schemas['BatchElementFailureDto'];
export type BatchResult = Schemas['BatchResultDto']['results'][number];
export type ReportInput = Schemas['ReportDto'];
/** The body of every error answer. */
export type ApiError = Schemas['Error'];
export type FieldProblem = Schemas['FieldProblemDto'];

/** Statuses after which an item no longer changes on its own. */
export const FINAL_STATUSES: readonly ItemStatus[] = ['approved', 'rejected', 'corrected'];

export function isFinal(item: Pick<Item, 'status'>): boolean {
  return FINAL_STATUSES.includes(item.status);
}
