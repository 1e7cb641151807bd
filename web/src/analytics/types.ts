/** Shapes of the analytics and feedback endpoints (see the API's OpenAPI document). */
export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanConfidence: number | null;
  humanApproveRate: number | null;
}

export interface Calibration {
  queue: string | null;
  model: string | null;
  bins: CalibrationBin[];
  ece: number | null;
  reviewed: number;
}

export interface Simulation {
  items: number;
  approve: number;
  flag: number;
  block: number;
  reviewed: number;
  errors: number;
  estimatedAutoApproveErrorRate: number | null;
  errorRateUpperBound: number | null;
  since: string;
}

export interface Recommendation {
  autoApproveAt: number | null;
  maxErrorRate: number;
  reviewed?: number;
  errors?: number;
  estimatedErrorRate?: number | null;
  errorRateUpperBound?: number | null;
  autoApproveShare?: number | null;
  currentAutoApproveAt: number;
  explanation: string;
}

export interface VersionDrift {
  model: string;
  version: string | null;
  firstSeen: string;
  items: number;
  previousVersion: string | null;
  psi: number | null;
  psiLevel: 'stable' | 'moderate' | 'significant' | null;
  reviewed: number;
  overridden: number;
  overrideRate: number | null;
  overrideByDay: { day: string; reviewed: number; overridden: number; rate: number }[];
}

export interface ReviewerRow {
  id: string;
  name: string | null;
  email: string | null;
  reviews: number;
  reviewsLast24h: number;
  throughputPerHour: number;
  throughputPerDay: number;
  medianReviewSeconds: number | null;
  comparisons: number;
  agreementRate: number | null;
}

export interface QueueAgreement {
  queue: string;
  reviews: number;
  reviewers: number;
  medianReviewSeconds: number | null;
  multiReviewItems: number;
  agreementRate: number | null;
  unanimousRate: number | null;
}

export interface ExportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  rows: number;
  params: Record<string, unknown>;
  downloadUrl: string | null;
  error: string | null;
}

export const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
