import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/principal';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ReviewerPseudonyms } from '../common/reviewer-pseudonym';

const USER_ACTOR = /^user:([0-9a-f-]{36})$/i;

interface WithReviewers {
  review?: { claimedBy: string | null };
  reviews?: { reviewer: string }[];
  assignedTo?: { id: string; name: string | null } | null;
}

interface EventView {
  actor: string;
  details: Record<string, unknown>;
}

/**
 * API keys (product systems, and the webhook receivers they run) never see people's internal ids:
 * every user id in an item, its reviews or its audit trail becomes the same stable pseudonym the
 * feedback exports use. People signed in to Verdict see ids, since they manage those users.
 */
@Injectable()
export class ItemPrivacy {
  readonly pseudonyms: ReviewerPseudonyms;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pseudonyms = new ReviewerPseudonyms(config.jwtSecret);
  }

  /** The item view as `principal` may see it (a copy when anything changes). */
  item<T extends WithReviewers>(principal: Principal | null, view: T): T {
    if (principal?.kind === 'user') return view;
    const out = { ...view };
    if (view.review?.claimedBy)
      out.review = { ...view.review, claimedBy: this.pseudonyms.of(view.review.claimedBy) };
    if (view.reviews)
      out.reviews = view.reviews.map((r) => ({ ...r, reviewer: this.pseudonyms.of(r.reviewer) }));
    if (view.assignedTo)
      out.assignedTo = {
        ...view.assignedTo,
        id: this.pseudonyms.of(view.assignedTo.id),
        name: null,
      };
    return out;
  }

  events<T extends EventView>(principal: Principal, events: T[]): T[] {
    if (principal.kind === 'user') return events;
    const hide = (value: unknown) => {
      const match = typeof value === 'string' ? USER_ACTOR.exec(value) : null;
      return match ? `user:${this.pseudonyms.of(match[1])}` : value;
    };
    return events.map((e) => ({
      ...e,
      actor: hide(e.actor) as string,
      details: Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, hide(v)])),
    }));
  }
}
