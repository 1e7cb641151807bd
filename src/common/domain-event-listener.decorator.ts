import { SetMetadata } from '@nestjs/common';
import { DOMAIN_EVENT_LISTENER, type DomainEventMap, type DomainEventName } from './domain-events';

/**
 * Marks a provider method as a listener of one domain event; DomainEvents finds every such
 * method at boot (like job handlers), so `grep OnDomainEvent` lists who reacts to what. The
 * payload type follows from the event map; a listener for an unknown event stops the boot.
 */
export function OnDomainEvent<K extends DomainEventName>(name: K) {
  return SetMetadata(DOMAIN_EVENT_LISTENER, name) as <
    T extends (payload: DomainEventMap[K]) => Promise<void> | void,
  >(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ) => void;
}
