import { BridgedEventTarget, CARE_TOPIC, type EventEnvelope } from './pubsub';

describe('BridgedEventTarget', () => {
  test('delivers locally at once, hands the event to the bridge, and delivers each id at most once', () => {
    const a = new BridgedEventTarget();
    const b = new BridgedEventTarget();
    const sent: EventEnvelope[] = [];
    a.connect({ publish: (e) => sent.push(e) });
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    a.addEventListener(CARE_TOPIC, (e) => onA.push((e as CustomEvent).detail));
    b.addEventListener(CARE_TOPIC, (e) => onB.push((e as CustomEvent).detail));
    a.dispatchEvent(new CustomEvent(CARE_TOPIC, { detail: { n: 1 } }));
    expect(onA).toEqual([{ n: 1 }]);
    expect(sent).toHaveLength(1);
    // Back on A through Redis: dropped; on B: delivered once, however often it comes (re-sent after an outage).
    expect(a.deliver(sent[0])).toBe(false);
    expect(b.deliver(sent[0])).toBe(true);
    expect(b.deliver({ ...sent[0], origin: 'elsewhere' })).toBe(false);
    expect(onA).toEqual([{ n: 1 }]);
    expect(onB).toEqual([{ n: 1 }]);
  });

  test('without a bridge, events stay in-process', () => {
    const t = new BridgedEventTarget();
    const got: unknown[] = [];
    t.addEventListener(CARE_TOPIC, (e) => got.push((e as CustomEvent).detail));
    t.dispatchEvent(new CustomEvent(CARE_TOPIC, { detail: 1 }));
    expect(got).toEqual([1]);
  });
});
