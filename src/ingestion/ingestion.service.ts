import { ConflictException, HttpException, Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { assert, canSubmit } from '../auth/access';
import { FieldProblem, invalid } from '../common/errors';
import { isDataException } from '../common/pg-errors';
import { setAsideFreeJson } from '../common/free-json';
import { jsonProblems } from '../common/json-guard';
import { actorOf, type Principal } from '../common/principal';
import { validationProblems } from '../common/validation';
import { submitted } from '../items/item-state';
import { ItemPrivacy } from '../items/item-privacy';
import { toItemView } from '../items/item.view';
import { newItemId } from '../items/item-id';
import { MetricsService } from '../ops/metrics.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { urlFieldProblem } from '../common/outbound-address';
import { Queue } from '../queues/queue.entity';
import { QueuesService } from '../queues/queues.service';
import { routeSubmission } from '../routing/routing';
import { SubmitItemDto } from './ingestion.dto';
import { PreparedSubmission, SubmissionBatcher, SubmissionOutcome } from './submission-batcher';
// Also registers the fast paths of the submit bodies with the global validation pipe.
import { fastSubmitItem } from './submission-check';

function bodyHash(dto: SubmitItemDto): string {
  const canonical = stringify({
    externalId: dto.externalId ?? null,
    model: { name: dto.model.name, version: dto.model.version ?? null },
    input: dto.input ?? null,
    output: dto.output,
    confidence: dto.confidence,
    metadata: dto.metadata ?? {},
    callbackUrl: dto.callbackUrl ?? null,
  });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}

function storageProblems(dto: SubmitItemDto): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, value] of [
    ['externalId', dto.externalId],
    ['model', dto.model],
    ['input', dto.input],
    ['output', dto.output],
    ['metadata', dto.metadata],
    ['callbackUrl', dto.callbackUrl],
  ] as const) {
    const problem = jsonProblems(value, field);
    if (problem) problems.push(problem);
  }
  return problems;
}

export interface SubmitResult {
  created: boolean;
  item: ReturnType<typeof toItemView>;
}

@Injectable()
export class IngestionService {
  constructor(
    private readonly queues: QueuesService,
    private readonly batcher: SubmissionBatcher,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly privacy: ItemPrivacy,
  ) {}

  /** SSRF guard at submission: a callbackUrl into a private or local network is refused (400). */
  private async callbackProblems(dto: SubmitItemDto): Promise<FieldProblem[]> {
    if (typeof dto.callbackUrl !== 'string') return [];
    const message = await urlFieldProblem(
      'callbackUrl',
      dto.callbackUrl,
      this.config.webhookAllowPrivateNetworks,
    );
    return message ? [{ field: 'callbackUrl', message }] : [];
  }

  private async queueFor(principal: Principal, slug: string): Promise<Queue> {
    assert(canSubmit(principal, slug), 'not allowed to submit to this queue');
    return this.queues.findBySlug(slug);
  }

  async submitOne(principal: Principal, slug: string, dto: SubmitItemDto): Promise<SubmitResult> {
    const queue = await this.queueFor(principal, slug);
    const problems = storageProblems(dto);
    if (problems.length === 0) problems.push(...(await this.callbackProblems(dto)));
    if (problems.length > 0) throw invalid(problems);
    const [outcome] = this.batcher.submit([this.prepare(principal, queue, dto)]);
    return this.toResult(await outcome, principal);
  }

  /** Each element is validated on its own; valid ones are stored together, results in input order. */
  async submitBatch(principal: Principal, slug: string, elements: unknown[]) {
    const queue = await this.queueFor(principal, slug);
    const results: (SubmitResult['item'] | { error: { statusCode: number; message: string } })[] =
      new Array(elements.length);
    const accepted: { index: number; prepared: PreparedSubmission }[] = [];
    await Promise.all(
      elements.map(async (raw, index) => {
        const { dto, problems } = await this.validateElement(raw, index);
        if (!dto) {
          results[index] = {
            error: { statusCode: 400, message: problems.map((p) => p.message).join('; ') },
          };
          return;
        }
        accepted.push({ index, prepared: this.prepare(principal, queue, dto) });
      }),
    );
    const outcomes = await Promise.allSettled(this.batcher.submit(accepted.map((a) => a.prepared)));
    outcomes.forEach((settled, i) => {
      const index = accepted[i].index;
      if (settled.status === 'rejected') {
        if (!isDataException(settled.reason)) throw settled.reason;
        results[index] = {
          error: {
            statusCode: 400,
            message: `a value could not be stored: ${(settled.reason as Error).message}`,
          },
        };
        return;
      }
      try {
        results[index] = this.toResult(settled.value, principal).item;
      } catch (error) {
        const status = error instanceof HttpException ? error.getStatus() : 500;
        results[index] = { error: { statusCode: status, message: (error as Error).message } };
      }
    });
    return { results };
  }

  private async validateElement(
    raw: unknown,
    index: number,
  ): Promise<{ dto?: SubmitItemDto; problems: FieldProblem[] }> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return {
        problems: [{ field: `items[${index}]`, message: `items[${index}] must be an object` }],
      };
    }
    // The fast path only replaces the DTO checks; storage and SSRF checks below apply to both.
    let dto = fastSubmitItem(raw);
    const problems: FieldProblem[] = [];
    if (!dto) {
      // Free-form JSON is set aside from class-transformer here too (see free-json.ts).
      const { body, restore } = setAsideFreeJson(SubmitItemDto, raw);
      dto = restore(plainToInstance(SubmitItemDto, body));
      const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: false });
      problems.push(...validationProblems(errors));
    }
    if (problems.length === 0) problems.push(...storageProblems(dto));
    if (problems.length === 0) problems.push(...(await this.callbackProblems(dto)));
    return problems.length > 0 ? { problems } : { dto, problems };
  }

  private toResult(outcome: SubmissionOutcome, principal: Principal): SubmitResult {
    if (outcome.kind === 'conflict') {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: 'externalId was already used with a different body',
        itemId: outcome.existingId,
      });
    }
    if (outcome.kind === 'created')
      this.metrics.submissions.inc({
        queue: outcome.item.queueSlug,
        routing: outcome.item.routing,
      });
    return {
      created: outcome.kind === 'created',
      // A replay may return an item someone has claimed since: no user ids for API keys.
      item: this.privacy.item(principal, toItemView(outcome.item)),
    };
  }

  private prepare(principal: Principal, queue: Queue, dto: SubmitItemDto): PreparedSubmission {
    const now = new Date();
    const metadata = dto.metadata ?? {};
    const model = { name: dto.model.name, version: dto.model.version ?? null };
    const decision = routeSubmission(queue.policy, queue.outputSchema, {
      confidence: dto.confidence,
      model,
      input: dto.input ?? null,
      output: dto.output,
      metadata,
    });
    return submitted(
      {
        id: newItemId(),
        queueId: queue.id,
        queueSlug: queue.slug,
        externalId: dto.externalId ?? null,
        // Only ever compared when a later submission reuses the externalId (replay or 409):
        // without one there is nothing to compare it with, so it is not computed.
        bodyHash: dto.externalId != null ? bodyHash(dto) : '',
        modelName: model.name,
        modelVersion: model.version,
        input: dto.input ?? null,
        output: dto.output,
        confidence: dto.confidence,
        metadata,
        callbackUrl: dto.callbackUrl ?? null,
        policyVersion: queue.policyVersion,
      },
      decision,
      queue.sla,
      actorOf(principal),
      now,
    );
  }
}
