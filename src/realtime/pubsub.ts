import { createPubSub } from '@graphql-yoga/subscription';
import type { CareEventPayload, CareEventSink } from '../modules/care/events/care-event';

export const CARE_TOPIC = 'care-events';
/** A key was revoked somewhere: every instance closes its WebSockets (detail: { keyId }). */
export const KEY_REVOKED_TOPIC = 'key-revoked';
/** What the Redis bridge carries between instances. */
export const BRIDGED_TOPICS = [CARE_TOPIC, KEY_REVOKED_TOPIC] as const;

/** Carries a published event to the subscribers (another instance's, through Redis, when bridged). */
export interface EventBridge {
  publish(topic: string, json: string): void;
}

/**
 * The event target behind the process's pubSub. Unbridged, it dispatches in-process. Bridged, a publish goes
 * only to the bridge and comes back (to this instance like to every other) through `deliver`, so each
 * subscriber on each instance sees every event exactly once.
 */
export class BridgedEventTarget extends EventTarget {
  private bridge: EventBridge | null = null;

  connect(bridge: EventBridge): void {
    this.bridge = bridge;
  }

  disconnect(): void {
    this.bridge = null;
  }

  override dispatchEvent(event: Event): boolean {
    if (!this.bridge) return super.dispatchEvent(event);
    this.bridge.publish(event.type, JSON.stringify((event as CustomEvent).detail));
    return true;
  }

  /** An event that arrived through the bridge. */
  deliver(topic: string, json: string): void {
    super.dispatchEvent(new CustomEvent(topic, { detail: JSON.parse(json) }));
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
