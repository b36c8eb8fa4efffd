import { FeedbackIssue } from '../feedback.entity';
import { compileKeywords, DEFAULT_PAIN_POINT_KEYWORDS, inferIssue, ISSUES, parsePainPointKeywords } from './pain-point';

const matchers = compileKeywords(DEFAULT_PAIN_POINT_KEYWORDS);

describe('inferIssue', () => {
  test.each([
    ['The parcel was late again, the courier lost it', 'DELIVERY'],
    ['Arrived broken and scratched', 'QUALITY'],
    ['I was charged twice and still wait for my refund', 'BILLING'],
    ['The staff on the phone were rude', 'SERVICE'],
    ['Way too expensive for what it is', 'PRICE'],
    ['Nice colours', null],
  ])('%s -> %s', (text, issue) => {
    expect(inferIssue(text, matchers)).toBe(issue);
  });

  test('whole words only, any case; the team can replace the keywords', () => {
    expect(inferIssue('LATE!', matchers)).toBe('DELIVERY');
    expect(inferIssue('chocolate cake', matchers)).toBeNull();
    const custom = compileKeywords(parsePainPointKeywords({ PRODUCT: ['colours'] }));
    expect(inferIssue('Nice colours', custom)).toBe('PRODUCT');
    expect(() => parsePainPointKeywords({ NOPE: ['x'] })).toThrow(/unknown issue NOPE/);
    expect(() => parsePainPointKeywords({ PRICE: [''] })).toThrow(/1 to 60 characters/);
  });
});

test('the issue names are those of FeedbackIssue', () => {
  expect([...ISSUES].sort()).toEqual(Object.values(FeedbackIssue).sort());
});
