import type { Logger } from 'pino';
import type { BridgedEventTarget, EventEnvelope } from './pubsub';

/**
 * The few calls the bridge makes; ioredis's client has exactly these. Two connections are used: one reads the
 * stream with a blocking XREAD, the other writes to it.
 */
export interface RedisClient {
  xadd(key: string, ...args: (string | number)[]): Promise<string | null>;
  xread(...args: (string | number)[]): Promise<[string, [string, string[]][]][] | null>;
  on(event: 'ready' | 'error' | 'close', listener: (arg?: unknown) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
  readonly status: string;
}

export type RedisClientFactory = (url: string) => RedisClient;

export const REDIS_CLIENT_PACKAGE = 'ioredis@5.11.1';

/** ioredis, loaded only when REDIS_URL is set; a clear error when the package is missing. */
export function ioredisFactory(): RedisClientFactory {
  let Redis: new (url: string, options: Record<string, unknown>) => RedisClient;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('ioredis');
    Redis = mod.default ?? mod.Redis ?? mod;
  } catch {
    throw new Error(`REDIS_URL is set but the Redis client is not installed: add ${REDIS_CLIENT_PACKAGE} to the dependencies`);
  }
  return (url) => new Redis(url, {
    // Reconnects forever (down at start-up included), at most 1 s apart. A command sent while disconnected fails
    // at once (the bridge keeps the event and sends it after the reconnection) instead of waiting in ioredis.
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A frozen Redis must not stall the bridge: the reader's XREAD blocks 2 s, so 10 s is "not answering".
    commandTimeout: 10_000,
    connectTimeout: 3_000,
  });
}

/** The Redis stream that carries care events and key revocations between instances. */
export const STREAM_KEY = 'caregraph:events';
/** The stream keeps about this many recent events (XADD MAXLEN ~). */
const STREAM_MAX_LENGTH = 100_000;
/** Events this instance wrote are written again after Redis came back, if they are this recent (a restarted Redis may have lost them). */
export const RESEND_WINDOW_MS = 60_000;
const BLOCK_MS = 2_000;
/** Events kept for sending while Redis is down (the oldest are dropped beyond this, with an error in the log). */
const OUTBOX_MAX = 100_000;

export interface BridgeStatus {
  configured: true;
  /** Both connections work: events reach the other instances and theirs reach this one. */
  connected: boolean;
  /** Events raised here and not yet written to Redis. */
  pending: number;
  /** Since when the bridge is down (ISO 8601), and why. */
  downSince?: string;
  lastError?: string;
}

export interface RedisBridge {
  status(): BridgeStatus;
  close(): Promise<void>;
}

/**
 * Shares care events and key revocations between instances through one Redis stream (`caregraph:events`):
 *
 * - local delivery never waits for Redis: BridgedEventTarget delivers to this instance's subscribers at once and
 *   hands the event here, only for the others;
 * - writing: an outbox in memory, sent in order with XADD; while Redis is down events wait there, and when Redis
 *   is back every event written in the last RESEND_WINDOW_MS is written again (a restarted Redis may have lost
 *   the stream before the other instances read it);
 * - reading: a blocking XREAD loop from the last id this instance has seen, resumed from that id after a
 *   reconnection (ids grow with Redis's clock, so a restarted, empty stream continues above it); every event is
 *   delivered at most once per instance, by its id (the target de-duplicates);
 * - Redis down at start-up or later: both connections reconnect by themselves; the state is in status()
 *   (shown by /readyz) and each outage is logged once when it starts and once when it ends.
 *
 * What it does not cover: an instance that dies while Redis is down loses the events it had not yet written.
 */
export function connectRedisBridge(
  target: BridgedEventTarget,
  url: string,
  log: Logger,
  factory: RedisClientFactory = ioredisFactory(),
  options: { resendWindowMs?: number; blockMs?: number } = {},
): RedisBridge {
  const resendWindowMs = options.resendWindowMs ?? RESEND_WINDOW_MS;
  const blockMs = options.blockMs ?? BLOCK_MS;
  const writer = factory(url);
  const reader = factory(url);
  let closed = false;
  /** Waiting to be written, oldest first. */
  let outbox: EventEnvelope[] = [];
  /** Written, kept for re-sending after an outage: [when written, event]. */
  let sent: [number, EventEnvelope][] = [];
  let pumping = false;
  let writerUp = false;
  let readerUp = false;
  let writerWasUp = false;
  let state: 'connecting' | 'up' | 'down' = 'connecting';
  let downSince = Date.now();
  let lastError: string | undefined;
  // Ids grow with Redis's clock: from a little before our own start (Redis's clock may differ from ours), but an
  // event raised before this instance started is skipped (it has no subscribers for it yet).
  const startedAt = Date.now();
  let lastId = `${startedAt - 10_000}-0`;

  const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const down = (err: unknown, side: 'writer' | 'reader') => {
    lastError = `${side}: ${describe(err)}`;
    if (state !== 'down') {
      if (state === 'up') downSince = Date.now();
      state = 'down';
      log.error({ err, side, pending: outbox.length }, 'Redis bridge down: events still reach this instance\'s subscribers; other instances get them when Redis is back');
    }
  };
  const upAgain = () => {
    if (state !== 'up' && writerUp && readerUp) {
      log.info({ downMs: Date.now() - downSince, pending: outbox.length }, 'Redis bridge connected');
      state = 'up';
      lastError = undefined;
    }
  };

  // ioredis reports every failed reconnection as an 'error' event: without a listener it prints them itself.
  writer.on('error', (err) => down(err, 'writer'));
  reader.on('error', (err) => down(err, 'reader'));
  writer.on('close', () => {
    if (writerUp) down(new Error('connection closed'), 'writer');
    writerUp = false;
  });
  reader.on('close', () => {
    if (readerUp) down(new Error('connection closed'), 'reader');
    readerUp = false;
  });
  reader.on('ready', () => {
    readerUp = true;
    upAgain();
  });
  writer.on('ready', () => {
    writerUp = true;
    if (writerWasUp) {
      // Redis may have restarted empty: what we wrote lately goes again (the readers drop what they have seen).
      const since = Date.now() - resendWindowMs;
      outbox = [...sent.filter(([at]) => at >= since).map(([, e]) => e), ...outbox];
      sent = [];
    }
    writerWasUp = true;
    upAgain();
    void pump();
  });

  async function pump(): Promise<void> {
    if (pumping || closed) return;
    pumping = true;
    try {
      while (outbox.length && writerUp) {
        const e = outbox[0];
        try {
          await writer.xadd(STREAM_KEY, 'MAXLEN', '~', STREAM_MAX_LENGTH, '*', 'id', e.id, 'origin', e.origin, 'at', e.at, 'topic', e.topic, 'json', e.json);
        } catch (err) {
          down(err, 'writer');
          // Tried again on the next 'ready', or in a second if the connection still looks up (a timeout).
          if (writerUp) setTimeout(() => void pump(), 1000).unref();
          return;
        }
        outbox.shift();
        const now = Date.now();
        sent.push([now, e]);
        if (sent.length > 1024 && sent[0][0] < now - resendWindowMs) sent = sent.filter(([at]) => at >= now - resendWindowMs);
      }
    } finally {
      pumping = false;
    }
  }

  async function readLoop(): Promise<void> {
    while (!closed) {
      // Not before the connection is up (commands are not queued while it is not): the reconnection is ioredis's.
      if (reader.status !== 'ready') {
        await new Promise((r) => setTimeout(r, 100).unref());
        continue;
      }
      try {
        const res = await reader.xread('COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', STREAM_KEY, lastId);
        if (!readerUp) {
          readerUp = true;
          upAgain();
        }
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const f: Record<string, string> = {};
            for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
            if (!f.id || !f.topic || f.json === undefined || Number(f.at) < startedAt) continue;
            try {
              target.deliver({ id: f.id, origin: f.origin, topic: f.topic, json: f.json });
            } catch (err) {
              log.warn({ err, streamId: id }, 'dropped a malformed event from Redis');
            }
          }
        }
      } catch (err) {
        if (closed) return;
        readerUp = false;
        down(err, 'reader');
        await new Promise((r) => setTimeout(r, 500).unref());
      }
    }
  }

  target.connect({
    publish(envelope) {
      if (closed) return;
      outbox.push(envelope);
      if (outbox.length > OUTBOX_MAX) {
        const dropped = outbox.splice(0, outbox.length - OUTBOX_MAX);
        log.error({ dropped: dropped.length }, 'Redis bridge outbox full: the oldest events will not reach the other instances');
      }
      void pump();
    },
  });
  void readLoop();

  return {
    status() {
      const connected = writerUp && readerUp;
      return {
        configured: true,
        connected,
        pending: outbox.length,
        ...(connected ? {} : { downSince: new Date(downSince).toISOString(), ...(lastError ? { lastError } : {}) }),
      };
    },
    async close() {
      target.disconnect();
      // What is still waiting gets a short chance to reach the others.
      for (let i = 0; i < 20 && outbox.length && writerUp; i++) {
        void pump();
        await new Promise((r) => setTimeout(r, 50));
      }
      closed = true;
      reader.disconnect();
      await Promise.race([writer.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      writer.disconnect();
    },
  };
}
