export { VerdictClient, type VerdictClientOptions, type WaitOptions } from './client';
export { VerdictError, WebhookVerificationError, type WebhookFailure } from './errors';
export { verifyWebhook, type VerifyWebhookInput } from './webhook';
export {
  gateToolCall,
  toolCallDecision,
  type GateDecision,
  type GateOptions,
  type GateResult,
  type ToolCallProposal,
} from './gate';
export {
  FINAL_STATUSES,
  isFinal,
  type ApiError,
  type BatchError,
  type BatchResult,
  type FieldProblem,
  type Item,
  type ItemStatus,
  type Reason,
  type ReportInput,
  type Review,
  type Routing,
  type Submission,
} from './types';
