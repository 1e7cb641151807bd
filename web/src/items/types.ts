import type { components } from '../../../sdk/src/generated/openapi';

/**
 * Shapes of the item search, audit, delivery and comment routes: aliases of the types generated
 * from the server's OpenAPI document (see api/types.ts), so the pages cannot drift from the API.
 */
type Schemas = components['schemas'];

export type ItemPage = Schemas['ItemListDto'];
/** A review; rubric answers when the queue asks questions (not in every server's document yet). */
export type ItemReview = Schemas['ReviewDto'] & { answers?: Record<string, unknown> | null };
export type ItemWithReviews = Omit<Schemas['ItemWithReviewsDto'], 'reviews'> & {
  reviews: ItemReview[];
};
export type AuditEvent = Schemas['ItemEventDto'];
export type ChainVerification = Schemas['ItemEventsVerificationDto'];
export type Delivery = Schemas['WebhookDeliveryDto'];
export type Comment = Schemas['CommentDto'];

/** The search filters the Items page keeps in its URL. */
export const FILTER_KEYS = [
  'queue',
  'status',
  'routing',
  'model',
  'label',
  'since',
  'until',
  'reviewer',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
