import { isURL } from 'class-validator';
import { registerFastPath } from '../common/validation';
import { ModelDto, SubmitBatchDto, SubmitItemDto } from './ingestion.dto';

/**
 * Fast paths for the submit bodies, the hottest DTOs. class-transformer + class-validator cost
 * about a tenth of the server's CPU per submission (metadata look-ups, copies, a decorator walk);
 * these plain checks accept a body only when every rule of the DTO certainly holds, and build the
 * same DTO the slow path would (free-form JSON as parsed, unknown fields dropped). Anything else
 * returns undefined and goes the usual way, so every 400 and its messages still come from
 * class-validator, unchanged. The checks are deliberately stricter than the decorators where
 * being exact would be fiddly (null for an optional field, a string near the length limit
 * counted in code units): those take the slow path. test/ingestion/submission-check.test.ts
 * compares both paths on generated bodies.
 */

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An optional string field: absent, or a non-empty string of at most `max` code units. */
const okOptionalString = (value: unknown, max: number) =>
  value === undefined || (typeof value === 'string' && value.length > 0 && value.length <= max);

const CALLBACK_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** The SubmitItemDto for a body that certainly passes its validation, else undefined. */
export function fastSubmitItem(body: unknown): SubmitItemDto | undefined {
  if (!isPlainObject(body)) return undefined;
  const { externalId, model, input, output, confidence, metadata, callbackUrl } = body;
  if (!okOptionalString(externalId, 200)) return undefined;
  if (!isPlainObject(model)) return undefined;
  const { name, version } = model;
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) return undefined;
  if (version !== undefined && (typeof version !== 'string' || version.length > 200))
    return undefined;
  if (output === undefined || output === null) return undefined;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) return undefined;
  if (metadata !== undefined && !isPlainObject(metadata)) return undefined;
  if (
    callbackUrl !== undefined &&
    !(
      typeof callbackUrl === 'string' &&
      callbackUrl.length <= 2000 &&
      isURL(callbackUrl, CALLBACK_URL)
    )
  )
    return undefined;

  // Only declared fields, as the whitelisting slow path leaves them (unknown keys are dropped).
  const dto = new SubmitItemDto();
  const modelDto = new ModelDto();
  modelDto.name = name;
  if ('version' in model) modelDto.version = version as string | undefined;
  dto.model = modelDto;
  if ('externalId' in body) dto.externalId = externalId as string | undefined;
  if ('input' in body) dto.input = input;
  dto.output = output;
  dto.confidence = confidence;
  if ('metadata' in body) dto.metadata = metadata as Plain | undefined;
  if ('callbackUrl' in body) dto.callbackUrl = callbackUrl as string | undefined;
  return dto;
}

/** The SubmitBatchDto for a body whose `items` is an array of 1 to 500 elements, else undefined. */
export function fastSubmitBatch(body: unknown): SubmitBatchDto | undefined {
  if (!isPlainObject(body)) return undefined;
  const { items } = body;
  if (!Array.isArray(items) || items.length < 1 || items.length > 500) return undefined;
  const dto = new SubmitBatchDto();
  dto.items = items;
  return dto;
}

registerFastPath(SubmitItemDto, fastSubmitItem);
registerFastPath(SubmitBatchDto, fastSubmitBatch);
