import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { assert, canSeeQueue, isLead, requireUser } from '../auth/access';
import { FieldProblem, invalid } from '../common/errors';
import type { Principal } from '../common/principal';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { urlFieldProblem } from '../common/outbound-address';
import { BroadcastChannel, Broadcasts } from '../redis/broadcast';
import { checkOutputSchema } from '../routing/output-schema';
import { validatePolicy, validateSla } from '../routing/policy-validation';
import { PolicyVersion } from './policy-version.entity';
import { validateGuidelines, validateQuestions } from './questions';
import stringify from 'safe-stable-stringify';
import { Queue } from './queue.entity';
import { toQueueView, toQueueViewForKey, type QueueView } from './queue.view';
import { validateNotifications } from './notification-rules';
import { allowPrivateNetworks, checkSlackWebhookUrl } from '../common/slack-url-guard';
import { CreateQueueDto, QueueSettingsDto } from './queues.dto';
import { isUniqueViolation } from '../common/pg-errors';

const CACHE_MS = 2_000;

/** Slack URLs and email lists are configuration for leads; others see that notifications exist, not where. */
function withoutTargets(principal: Principal, view: QueueView): QueueView {
  if (isLead(principal)) return view;
  return {
    ...view,
    notifications: view.notifications.map((rule) => ({
      on: rule.on,
      ...(rule.slack ? { slack: { webhookUrl: '(hidden)' } } : {}),
      ...(rule.email ? { email: { to: [] } } : {}),
    })),
  };
}

const canonicalJson = (value: unknown) => stringify(value) ?? 'null';

@Injectable()
export class QueuesService {
  private readonly cache = new Map<string, { queue: Queue; at: number }>();
  private readonly invalidation: BroadcastChannel;

  constructor(
    @InjectRepository(Queue) private readonly queues: Repository<Queue>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    broadcasts: Broadcasts,
  ) {
    this.invalidation = broadcasts.channel('queue-changed', (slug) => this.cache.delete(slug));
  }

  /** The queue as routing and reviewing see it; cached briefly, invalidated on every change. */
  async findBySlug(slug: string): Promise<Queue> {
    const cached = this.cache.get(slug);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.queue;
    const queue = await this.queues.findOne({ where: { slug } });
    if (!queue) throw new NotFoundException(`queue "${slug}" not found`);
    this.cache.set(slug, { queue, at: Date.now() });
    return queue;
  }

  async findById(id: string): Promise<Queue> {
    const queue = await this.queues.findOne({ where: { id } });
    if (!queue) throw new NotFoundException('queue not found');
    return queue;
  }

  /** Drops the cached queue here and on every instance; call after a change commits. */
  async changed(slug: string): Promise<void> {
    await this.invalidation.send(slug);
  }

  /** SSRF guard at save: a webhookUrl into a private or local network is refused (400). */
  private async checkWebhookUrl(dto: QueueSettingsDto, problems: FieldProblem[]): Promise<void> {
    if (typeof dto.webhookUrl !== 'string') return;
    const message = await urlFieldProblem(
      'webhookUrl',
      dto.webhookUrl,
      this.config.webhookAllowPrivateNetworks,
    );
    if (message) problems.push({ field: 'webhookUrl', message });
  }

  private validateSettings(dto: QueueSettingsDto, problems: FieldProblem[]) {
    const out: Partial<Queue> = {};
    if (dto.outputSchema !== undefined) {
      if (dto.outputSchema === null) out.outputSchema = null;
      else {
        const problem = checkOutputSchema(dto.outputSchema);
        if (problem) problems.push(problem);
        else out.outputSchema = dto.outputSchema as Queue['outputSchema'];
      }
    }
    if (dto.sla !== undefined) {
      const { sla, problems: slaProblems } = validateSla(dto.sla);
      problems.push(...slaProblems);
      if (sla) out.sla = sla;
    }
    if (dto.guidelines !== undefined) out.guidelines = validateGuidelines(dto.guidelines, problems);
    if (dto.questions !== undefined)
      out.questions = dto.questions === null ? [] : validateQuestions(dto.questions, problems);
    if (dto.name !== undefined) out.name = dto.name.trim();
    if (dto.labels !== undefined) out.labels = dto.labels;
    if (dto.requiredReviews !== undefined) out.requiredReviews = dto.requiredReviews;
    if (dto.leaseSeconds !== undefined) out.leaseSeconds = dto.leaseSeconds;
    if (dto.webhookUrl !== undefined) out.webhookUrl = dto.webhookUrl;
    if (dto.notifications !== undefined) {
      const { rules, problems: ruleProblems } = validateNotifications(dto.notifications);
      problems.push(...ruleProblems);
      if (rules) out.notifications = rules;
    }
    return out;
  }

  /** The SSRF rule for Slack URLs needs DNS, so it runs after the synchronous checks. */
  private async checkNotificationTargets(settings: Partial<Queue>): Promise<void> {
    const problems: FieldProblem[] = [];
    await Promise.all(
      (settings.notifications ?? []).map(async (rule, i) => {
        if (!rule.slack) return;
        const problem = await checkSlackWebhookUrl(rule.slack.webhookUrl, allowPrivateNetworks());
        const field = `notifications[${i}].slack.webhookUrl`;
        if (problem) problems.push({ field, message: `${field} ${problem}` });
      }),
    );
    if (problems.length > 0) throw invalid(problems);
  }

  async create(principal: Principal, dto: CreateQueueDto) {
    const user = requireUser(principal, 'admin', 'lead');
    const problems: FieldProblem[] = [];
    const { policy, problems: policyProblems } = validatePolicy(dto.policy ?? {});
    problems.push(...policyProblems);
    const settings = this.validateSettings(dto, problems);
    await this.checkWebhookUrl(dto, problems);
    if (problems.length > 0) throw invalid(problems);
    await this.checkNotificationTargets(settings);
    const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    try {
      const saved = await this.dataSource.transaction(async (manager) => {
        const queue = await manager.save(
          manager.create(Queue, {
            slug: dto.slug,
            name: dto.name.trim(),
            policy: policy!,
            policyVersion: 1,
            outputSchema: settings.outputSchema ?? null,
            labels: settings.labels ?? [],
            requiredReviews: settings.requiredReviews ?? 1,
            leaseSeconds: settings.leaseSeconds ?? 300,
            sla: settings.sla ?? {
              blockedSeconds: null,
              onBlockedTimeout: 'reject',
              flaggedSeconds: null,
            },
            webhookUrl: settings.webhookUrl ?? null,
            notifications: settings.notifications ?? [],
            guidelines: settings.guidelines ?? null,
            questions: settings.questions ?? [],
            webhookSecret,
          }),
        );
        await manager.save(
          manager.create(PolicyVersion, {
            queueId: queue.id,
            version: 1,
            policy: queue.policy,
            outputSchema: queue.outputSchema,
            guidelines: queue.guidelines,
            questions: queue.questions,
            createdBy: user.id,
          }),
        );
        return queue;
      });
      await this.changed(saved.slug);
      // The signing secret is returned once, here; afterwards only signatures reveal it.
      return { ...toQueueView(saved), webhookSecret };
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictException(`queue "${dto.slug}" already exists`);
      throw error;
    }
  }

  async list(principal: Principal) {
    const all = await this.queues.find({ order: { createdAt: 'ASC' } });
    return all
      .filter((q) => canSeeQueue(principal, q.slug))
      .map((q) =>
        principal.kind === 'apiKey'
          ? toQueueViewForKey(q)
          : withoutTargets(principal, toQueueView(q)),
      );
  }

  async get(principal: Principal, slug: string) {
    assert(canSeeQueue(principal, slug), 'not allowed to see this queue');
    const queue = await this.queues.findOne({ where: { slug } });
    if (!queue) throw new NotFoundException(`queue "${slug}" not found`);
    return principal.kind === 'apiKey'
      ? toQueueViewForKey(queue)
      : withoutTargets(principal, toQueueView(queue));
  }

  /** Replaces the policy as a new version; items keep the version that routed them. */
  async replacePolicy(principal: Principal, slug: string, body: unknown) {
    const user = requireUser(principal, 'admin', 'lead');
    const { policy, problems } = validatePolicy(body);
    if (!policy) throw invalid(problems);
    return this.bumpVersion(slug, user.id, { policy });
  }

  /**
   * Changes settings. An outputSchema change affects routing, and guidelines and questions change
   * what reviewers are asked to judge: each of those makes a new version, kept in the history.
   */
  async updateSettings(principal: Principal, slug: string, dto: QueueSettingsDto) {
    const user = requireUser(principal, 'admin', 'lead');
    const problems: FieldProblem[] = [];
    const settings = this.validateSettings(dto, problems);
    await this.checkWebhookUrl(dto, problems);
    if (problems.length > 0) throw invalid(problems);
    await this.checkNotificationTargets(settings);
    const queue = await this.findFresh(slug);
    // Sending the value in force again (a settings form saves every field) is no new version.
    const versioned = ['outputSchema', 'guidelines', 'questions'] as const;
    if (
      versioned.some(
        (field) =>
          settings[field] !== undefined &&
          canonicalJson(settings[field]) !== canonicalJson(queue[field]),
      )
    )
      return this.bumpVersion(slug, user.id, settings);
    Object.assign(queue, settings);
    const saved = await this.queues.save(queue);
    await this.changed(slug);
    return toQueueView(saved);
  }

  private async findFresh(slug: string): Promise<Queue> {
    const queue = await this.queues.findOne({ where: { slug } });
    if (!queue) throw new NotFoundException(`queue "${slug}" not found`);
    return queue;
  }

  private async bumpVersion(slug: string, userId: string, changes: Partial<Queue>) {
    const saved = await this.dataSource.transaction(async (manager) => {
      const queue = await manager.findOne(Queue, {
        where: { slug },
        lock: { mode: 'pessimistic_write' },
      });
      if (!queue) throw new NotFoundException(`queue "${slug}" not found`);
      Object.assign(queue, changes);
      queue.policyVersion += 1;
      await manager.save(queue);
      await manager.save(
        manager.create(PolicyVersion, {
          queueId: queue.id,
          version: queue.policyVersion,
          policy: queue.policy,
          outputSchema: queue.outputSchema,
          guidelines: queue.guidelines,
          questions: queue.questions,
          createdBy: userId,
        }),
      );
      return queue;
    });
    await this.changed(slug);
    return toQueueView(saved);
  }

  async policyHistory(principal: Principal, slug: string) {
    const queue = await this.findFresh(slug);
    assert(
      isLead(principal) || (principal.kind === 'user' && principal.roles.includes('analyst')),
      'requires role admin, lead or analyst',
    );
    const versions = await this.dataSource
      .getRepository(PolicyVersion)
      .find({ where: { queueId: queue.id }, order: { version: 'ASC' } });
    // Oldest first, like any history; the entry marked current is the policy in force.
    return versions.map((v) => ({
      version: v.version,
      policyVersion: v.version,
      current: v.version === queue.policyVersion,
      policy: v.policy,
      outputSchema: v.outputSchema,
      guidelines: v.guidelines,
      questions: v.questions ?? [],
      createdBy: v.createdBy,
      createdAt: v.createdAt,
    }));
  }
}
