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
