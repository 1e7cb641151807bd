import { createHmac } from 'node:crypto';

/**
 * Exported data names reviewers by a stable pseudonym, never by email or user id: an HMAC of
 * the user id under a key derived from JWT_SECRET. The same reviewer gets the same pseudonym
 * in every export of this deployment; without the secret it cannot be traced back.
 */
export class ReviewerPseudonyms {
  private readonly key: Buffer;
  private readonly cache = new Map<string, string>();

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('verdict:reviewer-pseudonym:v1').digest();
  }

  of(userId: string): string {
    let pseudonym = this.cache.get(userId);
    if (pseudonym === undefined) {
      pseudonym = `rv_${createHmac('sha256', this.key).update(userId).digest('hex').slice(0, 32)}`;
      // Reviewers are few; the bound only guards against pathological data.
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(userId, pseudonym);
    }
    return pseudonym;
  }
}
