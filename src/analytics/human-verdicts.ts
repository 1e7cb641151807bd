/**
 * Which items carry a human verdict, in SQL shared by calibration, simulation, recommendation
 * and drift. An item counts once, by its final human decision:
 * - decided by a reviewer (decided_by = 'reviewer') and final: its status is the verdict
 *   (approved = approved; rejected and corrected = not approved);
 * - approved by policy and then confirmed by a reviewer (an audit sample or a report that a
 *   reviewer approved keeps decided_by = 'policy'): approved.
 * Escalations are not verdicts; items settled by an SLA timeout are not human verdicts.
 *
 * Only items that went through the review line (review_class set) can have been confirmed, so
 * the lookup in reviews runs for audit samples and reports, not for every auto-approved item.
 */
export const IS_HUMAN_VERDICT = `(i.status IN ('approved', 'rejected', 'corrected') AND (i.decided_by = 'reviewer'
    OR (i.decided_by = 'policy' AND i.status = 'approved' AND i.review_class IS NOT NULL
        AND EXISTS (SELECT 1 FROM reviews cr WHERE cr.item_id = i.id AND cr.action = 'approve'))))`;

/** Within human verdicts: the person did not let the output through as it was. */
export const IS_OVERRIDE = `i.status <> 'approved'`;
