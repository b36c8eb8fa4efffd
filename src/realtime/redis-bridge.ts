import type { Logger } from 'pino';
import { BRIDGED_TOPICS, type BridgedEventTarget } from './pubsub';

/**
 * The few calls the bridge makes; ioredis's client has exactly these, so a factory is one line:
 * `(url) => new Redis(url)`. Two connections are needed: a subscribed Redis connection cannot publish.
 */
export interface RedisClient {
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(...channels: string[]): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  quit(): Promise<unknown>;
}

export type RedisClientFactory = (url: string) => RedisClient;

export const REDIS_CLIENT_PACKAGE = 'ioredis@5.11.1';

/** ioredis, loaded only when REDIS_URL is set; a clear error when the package is missing. */
export function ioredisFactory(): RedisClientFactory {
  let Redis: new (url: string) => RedisClient;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('ioredis');
    Redis = mod.default ?? mod.Redis ?? mod;
  } catch {
    throw new Error(`REDIS_URL is set but the Redis client is not installed: add ${REDIS_CLIENT_PACKAGE} to the dependencies`);
  }
  return (url) => new Redis(url);
}

const CHANNEL_PREFIX = 'caregraph:';

/**
 * Shares care events and key revocations between instances: every instance publishes to and subscribes to the
 * Redis channels "caregraph:care-events" and "caregraph:key-revoked"; each delivers what it receives locally.
 */
export async function connectRedisBridge(
  target: BridgedEventTarget,
  url: string,
  log: Logger,
  factory: RedisClientFactory = ioredisFactory(),
): Promise<{ close(): Promise<void> }> {
  const publisher = factory(url);
  const subscriber = factory(url);
  subscriber.on('message', (channel, message) => {
    if (!channel.startsWith(CHANNEL_PREFIX)) return;
    try {
      target.deliver(channel.slice(CHANNEL_PREFIX.length), message);
    } catch (err) {
      log.warn({ err, channel }, 'dropped a malformed care event from Redis');
    }
  });
  await subscriber.subscribe(...BRIDGED_TOPICS.map((topic) => CHANNEL_PREFIX + topic));
  target.connect({
    publish: (topic, json) => {
      publisher.publish(CHANNEL_PREFIX + topic, json).catch((err) => log.error({ err, topic }, 'could not publish a care event to Redis'));
    },
  });
  return {
    async close() {
      target.disconnect();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
