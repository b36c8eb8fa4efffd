import { randomUUID } from 'node:crypto';
import { createPubSub } from '@graphql-yoga/subscription';
import type { CareEventPayload, CareEventSink } from '../modules/care/events/care-event';

export const CARE_TOPIC = 'care-events';
/** A key was revoked somewhere: every instance closes its WebSockets (detail: { keyId }). */
export const KEY_REVOKED_TOPIC = 'key-revoked';
/** What the Redis bridge carries between instances. */
export const BRIDGED_TOPICS = [CARE_TOPIC, KEY_REVOKED_TOPIC] as const;

/** One event as it crosses instances: a unique id (de-duplication), the instance it came from, its JSON. */
export interface EventEnvelope {
  id: string;
  origin: string;
  /** When it was raised (ms since the epoch, the raising instance's clock). */
  at: number;
  topic: string;
  json: string;
}

/** Carries a published event to the other instances' subscribers (through Redis, when bridged). */
export interface EventBridge {
  publish(envelope: EventEnvelope): void;
}

/** How long an event id is remembered for de-duplication (longer than any re-send window of the bridge). */
export const SEEN_TTL_MS = 10 * 60_000;
const SEEN_MAX = 200_000;

/**
 * The event target behind the process's pubSub. A publish is delivered to this instance's subscribers at once,
 * whatever the bridge's state, and handed to the bridge (if any) for the other instances. An event that comes
 * back through the bridge (its own, or one the bridge re-sent after a Redis outage) is recognised by its id
 * and delivered at most once, so each subscriber on each instance sees every event exactly once.
 */
export class BridgedEventTarget extends EventTarget {
  /** This process among the instances (the `origin` of its envelopes). */
  readonly instance = randomUUID();
  private bridge: EventBridge | null = null;
  private seq = 0;
  /** Ids delivered here, with when (insertion order = time order, so pruning reads from the front). */
  private readonly seen = new Map<string, number>();

  connect(bridge: EventBridge): void {
    this.bridge = bridge;
  }

  disconnect(): void {
    this.bridge = null;
  }

  override dispatchEvent(event: Event): boolean {
    const id = `${this.instance}:${++this.seq}`;
    this.remember(id);
    const delivered = super.dispatchEvent(event);
    if (this.bridge && (BRIDGED_TOPICS as readonly string[]).includes(event.type)) {
      this.bridge.publish({ id, origin: this.instance, at: Date.now(), topic: event.type, json: JSON.stringify((event as CustomEvent).detail) });
    }
    return delivered;
  }

  /** An event that arrived through the bridge: delivered unless this instance raised or already delivered it. */
  deliver(envelope: Pick<EventEnvelope, 'id' | 'topic' | 'json'> & { origin?: string; at?: number }): boolean {
    if (envelope.origin === this.instance || this.seen.has(envelope.id)) return false;
    const detail = JSON.parse(envelope.json);
    this.remember(envelope.id);
    super.dispatchEvent(new CustomEvent(envelope.topic, { detail }));
    return true;
  }

  private remember(id: string, now = Date.now()): void {
    this.seen.set(id, now);
    if (this.seen.size % 1024 !== 0 && this.seen.size < SEEN_MAX) return;
    for (const [old, at] of this.seen) {
      if (at > now - SEEN_TTL_MS && this.seen.size < SEEN_MAX) break;
      this.seen.delete(old);
    }
  }
}

/** One per process: type-graphql builds one schema per process, and its subscriptions read this pubSub. */
export const careEventTarget = new BridgedEventTarget();

export const pubSub = createPubSub<{ [CARE_TOPIC]: [CareEventPayload] }>({ eventTarget: careEventTarget });

/** Subscribers get the event after the current request's work, never inside it (fan-out is off the request path). */
export const publishCareEvent: CareEventSink = (event) => {
  setImmediate(() => pubSub.publish(CARE_TOPIC, event));
};

export const publishKeyRevoked = (keyId: number): void => {
  careEventTarget.dispatchEvent(new CustomEvent(KEY_REVOKED_TOPIC, { detail: { keyId } }));
};
