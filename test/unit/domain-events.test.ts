/**
 * Domain-event listeners are found at boot from @OnDomainEvent (no database: a small Nest
 * context with the real DomainEventsModule and test providers).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OnDomainEvent } from '../../src/common/domain-event-listener.decorator';
import {
  DomainEventMap,
  DomainEvents,
  DomainEventsModule,
  DomainEventName,
  ListenerTimeout,
  runListeners,
} from '../../src/common/domain-events';

const progress = (id: string): DomainEventMap['export.progress'] => ({
  id,
  requestedBy: 'u1',
  status: 'running',
  progress: 0.5,
  rows: 10,
});

@Injectable()
class Recorder {
  readonly seen: string[] = [];
  @OnDomainEvent('export.progress')
  onProgress(p: DomainEventMap['export.progress']): void {
    this.seen.push(p.id);
  }
  @OnDomainEvent('export.progress')
  async failing(): Promise<void> {
    throw new Error('a listener that fails');
  }
}

@Injectable()
class Misspelled {
  @OnDomainEvent('export.progres' as DomainEventName)
  handle(): void {}
}

async function boot(...providers: (new (...args: never[]) => unknown)[]) {
  @Module({ imports: [DomainEventsModule], providers })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
  await app.init();
  return app;
}

describe('domain-event listeners', () => {
  it('are discovered at boot; one failing listener neither fails the publisher nor the others', async () => {
    const app = await boot(Recorder);
    try {
      const events = app.get(DomainEvents);
      assert.deepEqual(events.listenerNames()['export.progress'], [
        'Recorder.onProgress',
        'Recorder.failing',
      ]);
      await events.emit('export.progress', progress('e1'));
      await events.emit('export.progress', progress('e2'));
      assert.deepEqual(app.get(Recorder).seen, ['e1', 'e2']);
    } finally {
      await app.close();
    }
  });

  it('a listener for an unknown event stops the boot, naming it', async () => {
    await assert.rejects(
      boot(Misspelled),
      /Misspelled\.handle listens to unknown domain event "export\.progres"/,
    );
  });

  it('a provider listed twice (so acting twice) stops the boot', async () => {
    @Module({ providers: [Recorder] })
    class One {}
    @Module({ providers: [Recorder] })
    class Two {}
    @Module({ imports: [DomainEventsModule, One, Two] })
    class Both {}
    await assert.rejects(
      NestFactory.createApplicationContext(Both, { logger: false }).then((app) => app.init()),
      /Recorder\.onProgress is registered twice for "export\.progress"/,
    );
  });
});

describe('runListeners', () => {
  it('calls every listener in order and reports each failure without stopping the others', async () => {
    const calls: string[] = [];
    const failures: string[] = [];
    await runListeners<string>(
      [
        (p) => void calls.push(`sync ${p}`),
        async (p) => void calls.push(`async ${p}`),
        () => {
          throw new Error('thrown');
        },
        () => Promise.reject(new Error('rejected')),
        (p) => void calls.push(`last ${p}`),
      ],
      'x',
      1_000,
      (error) => failures.push((error as Error).message),
    );
    assert.deepEqual(calls, ['sync x', 'async x', 'last x']);
    assert.deepEqual(failures.sort(), ['rejected', 'thrown']);
  });

  it('waits for a slow listener only until the deadline, and reports it once', async () => {
    const failures: unknown[] = [];
    let finished = false;
    const started = performance.now();
    await runListeners<void>(
      [
        () => new Promise<void>(() => undefined), // never answers
        () =>
          new Promise<void>((_, reject) => setTimeout(() => reject(new Error('too late')), 150)),
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              finished = true;
              resolve();
            }, 10),
          ),
      ],
      undefined,
      60,
      (error) => failures.push(error),
    );
    const waited = performance.now() - started;
    assert.ok(waited >= 55 && waited < 140, `returned after ${waited} ms`);
    assert.equal(finished, true, 'a listener within the deadline is waited for');
    assert.equal(failures.length, 2);
    assert.ok(failures.every((e) => e instanceof ListenerTimeout));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(failures.length, 2, 'a failure after its timeout is not reported again');
  });
});
