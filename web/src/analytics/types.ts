/** Shapes of the analytics and feedback endpoints, derived from the generated OpenAPI types. */
import type { components } from '../../../sdk/src/generated/openapi';

type Schemas = components['schemas'];

export type CalibrationBin = Schemas['CalibrationBinDto'];
export type Calibration = Schemas['CalibrationDto'];
export type Simulation = Schemas['SimulationDto'];
export type Recommendation = Schemas['RecommendationDto'];
export type VersionDrift = Schemas['VersionDriftDto'];
export type ReviewerRow = Schemas['ReviewerQualityDto'];
export type QueueAgreement = Schemas['QueueReviewQualityDto'];
export type ExportJob = Schemas['ExportJobView'];

export const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
