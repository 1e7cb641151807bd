import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { dependencyDown, isDependencyDown, warnOrOutage } from './outage-log';

/**
 * What happened, published after the transaction commits. Feature modules subscribe (live
 * updates, webhooks, SLA timers) so the code that changes an item need not know them.
 *
 * The map starts empty here: the module that owns an event's payload adds it next to its types
 * by declaration merging (`declare module '../common/domain-events'`), so this bus, at the
 * bottom of the layers, imports no feature. Item events are declared in
 * items/item-domain-events.ts, export progress in feedback/export-progress.ts.
 * DOMAIN_EVENT_NAMES below must still list every name (the compiler checks it).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface DomainEventMap {}

export type DomainEventName = keyof DomainEventMap;

/** Metadata key of @OnDomainEvent (domain-event-listener.decorator.ts). */
export const DOMAIN_EVENT_LISTENER = 'verdict:domainEventListener';

/** Every event name at run time (the type below fails to compile when one is missing). */
export const DOMAIN_EVENT_NAMES = [
  'items.submitted',
  'item.changed',
  'item.commented',
  'item.assigned',
  'export.progress',
] as const satisfies readonly DomainEventName[];
const allNamed: Exclude<DomainEventName, (typeof DOMAIN_EVENT_NAMES)[number]> extends never
  ? true
  : never = true;
void allNamed;

type Listener<K extends keyof DomainEventMap> = (
  payload: DomainEventMap[K],
) => Promise<void> | void;

const LISTENER_TIMEOUT_MS = 3_000;
export class ListenerTimeout extends Error {}

/**
 * Publishes domain events to the listeners found at boot: provider methods marked
 * @OnDomainEvent (see domain-event-listener.decorator.ts). A listener for an unknown event, or
 * the same method found twice (a provider listed in two modules would act twice), stops the boot.
 */
@Injectable()
export class DomainEvents implements OnModuleInit {
  private readonly logger = new Logger('DomainEvents');
  private readonly listeners = new Map<DomainEventName, Listener<never>[]>();
  private discovered = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    this.discover();
  }

  /** The listeners' names per event, as `Class.method` (for boot checks and tests). */
  listenerNames(): Record<DomainEventName, string[]> {
    this.discover();
    return Object.fromEntries(
      DOMAIN_EVENT_NAMES.map((name) => [
        name,
        (this.listeners.get(name) ?? []).map((l) => (l as { listenerName?: string }).listenerName),
      ]),
    ) as Record<DomainEventName, string[]>;
  }

  private discover(): void {
    if (this.discovered) return;
    this.discovered = true;
    const seen = new Set<string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = this.reflector.get<DomainEventName | undefined>(
          DOMAIN_EVENT_LISTENER,
          instance[method] as () => unknown,
        );
        if (!name) continue;
        const listenerName = `${prototype.constructor.name}.${method}`;
        if (!(DOMAIN_EVENT_NAMES as readonly string[]).includes(name))
          throw new Error(`${listenerName} listens to unknown domain event "${name}"`);
        if (seen.has(`${name} ${listenerName}`))
          throw new Error(`${listenerName} is registered twice for "${name}"`);
        seen.add(`${name} ${listenerName}`);
        const listener = (instance[method] as Listener<never>).bind(instance);
        const list = this.listeners.get(name) ?? [];
        list.push(Object.assign(listener, { listenerName }));
        this.listeners.set(name, list);
      }
    }
  }

  /** Runs every listener; one failing listener is logged and never fails the caller. */
  async emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): Promise<void> {
    this.discover();
    const list = (this.listeners.get(name) ?? []) as Listener<K>[];
    await runListeners(list, payload, LISTENER_TIMEOUT_MS, (error) => {
      if (error instanceof ListenerTimeout && isDependencyDown('redis')) {
        dependencyDown('redis', error);
        return;
      }
      warnOrOutage(this.logger, error, `listener for ${name} failed: ${(error as Error).message}`);
    });
  }
}

/**
 * Calls every listener with `payload` and waits for those that answer with a promise, for
 * `timeoutMs` at most: a listener stuck on an unreachable dependency (BullMQ waits for a
 * reconnect) must not hold the caller, since submissions wait on fan-outs past a backlog; the work
 * it stood for is repaired by the sweepers from Postgres. Each failure, and each listener still
 * pending at the deadline, is reported to `failed` (a ListenerTimeout for the latter).
 * One timer for the lot, and none when every listener returned at once: two item events per
 * review cycle made six timers and six promise races before.
 */
export async function runListeners<P>(
  listeners: readonly ((payload: P) => Promise<void> | void)[],
  payload: P,
  timeoutMs: number,
  failed: (error: unknown) => void,
): Promise<void> {
  let pending: { settled: boolean; done: Promise<void> }[] | undefined;
  for (const listener of listeners) {
    let result: Promise<void> | void;
    try {
      result = listener(payload);
    } catch (error) {
      failed(error);
      continue;
    }
    if (!result || typeof (result as Promise<void>).then !== 'function') continue;
    const entry = { settled: false, done: Promise.resolve() };
    entry.done = Promise.resolve(result).then(
      () => {
        entry.settled = true;
      },
      (error: unknown) => {
        if (entry.settled) return;
        entry.settled = true;
        failed(error);
      },
    );
    (pending ??= []).push(entry);
  }
  if (!pending) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      for (const entry of pending)
        if (!entry.settled) {
          // A late failure of this listener is not reported again: its timeout already was.
          entry.settled = true;
          failed(new ListenerTimeout(`no answer within ${timeoutMs} ms`));
        }
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.all(pending.map((entry) => entry.done)), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

@Module({ imports: [DiscoveryModule], providers: [DomainEvents], exports: [DomainEvents] })
export class DomainEventsModule {}
