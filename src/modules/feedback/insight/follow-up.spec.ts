import { followUpOf, type FollowUpInput } from './follow-up';
import { sentimentOf } from './sentiment';

const base: FollowUpInput = {
  stars: 3, sentiment: null, valueAtStake: 100, churnRisk: 0.2, openTickets: 0, earlierComplaints: 0,
  consent: { email: true, sms: false, phone: true }, campaign: null,
};

describe('followUpOf', () => {
  test('a 1-star angry comment of a high-value at-risk customer outranks a 3-star neutral one', () => {
    const angry = followUpOf({ ...base, stars: 1, sentiment: sentimentOf('Terrible. Broken on arrival and nobody answers. Furious!'), valueAtStake: 5000, churnRisk: 0.9 });
    const neutral = followUpOf({ ...base, stars: 3, sentiment: sentimentOf('It arrived on Tuesday.') });
    expect(angry.priority).toBeGreaterThan(neutral.priority);
    expect(angry).toMatchObject({ level: 'URGENT', action: 'CALL', channel: 'PHONE' });
    expect(angry.reasons).toEqual(expect.arrayContaining(['1 star', 'negative words', 'churn risk 90 %']));
    expect(neutral.level).toBe('LOW');
  });

  test('happy feedback needs nothing', () => {
    expect(followUpOf({ ...base, stars: 5, sentiment: sentimentOf('Lovely, thanks!') })).toMatchObject({ priority: 0, level: 'NONE', action: 'NONE' });
  });

  test('five stars with angry words still needs a look (mismatch)', () => {
    expect(followUpOf({ ...base, stars: 5, sentiment: sentimentOf('Awful, broken and useless') }).priority).toBeGreaterThan(0);
  });

  test('an open ticket is handled first and raises the priority; earlier complaints raise it too', () => {
    const plain = followUpOf({ ...base, stars: 2 });
    const ticket = followUpOf({ ...base, stars: 2, openTickets: 1 });
    const again = followUpOf({ ...base, stars: 2, earlierComplaints: 2 });
    expect(ticket.action).toBe('HANDLE_OPEN_TICKET');
    expect(ticket.priority).toBe(plain.priority + 10);
    expect(again.priority).toBe(plain.priority + 10);
  });

  test('a mild complaint gets a coupon of a fitting campaign only on a consented channel', () => {
    const campaign = { id: 7, name: 'Win back', channel: 'EMAIL' };
    expect(followUpOf({ ...base, stars: 3, campaign })).toMatchObject({ action: 'OFFER_COUPON', channel: 'EMAIL', campaignId: 7 });
    expect(followUpOf({ ...base, stars: 3, campaign, consent: { email: false, sms: false, phone: true } }).action).toBe('OPEN_TICKET');
    // A serious complaint is not answered with a coupon.
    expect(followUpOf({ ...base, stars: 1, valueAtStake: 0, churnRisk: 0, campaign }).action).toBe('OPEN_TICKET');
  });
});
