/**
 * Placeholder for the threshold preview in the policy editor (issue 5): given the thresholds
 * being edited, show how recent items would split (POST /v1/queues/:slug/policy/simulate)
 * and the estimated auto-approve error. The policy editor renders it under the threshold
 * fields; replace the body, keep the props.
 */
export interface ThresholdPreviewProps {
  slug: string;
  autoApproveAt: number;
  blockBelow: number;
}

export function ThresholdPreview(_props: ThresholdPreviewProps) {
  return null;
}
