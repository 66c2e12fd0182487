import { expiryOf } from './cli';

describe('api-key create: the expiry asked for', () => {
  const now = new Date('2026-12-05T10:00:00Z');

  it('is none unless asked', () => {
    expect(expiryOf({}, now)).toBeNull();
  });

  it('counts whole days from now, or takes a future date-time', () => {
    expect(expiryOf({ 'expires-in-days': '30' }, now)).toEqual(new Date('2027-01-04T10:00:00Z'));
    expect(expiryOf({ 'expires-at': '2027-01-31T00:00:00Z' }, now)).toEqual(new Date('2027-01-31T00:00:00Z'));
  });

  it.each([
    [{ 'expires-in-days': '0' }, /whole number/],
    [{ 'expires-in-days': '1.5' }, /whole number/],
    [{ 'expires-at': 'next friday' }, /ISO-8601/],
    [{ 'expires-at': '2026-12-01' }, /future/],
    [{ 'expires-at': '2027-01-01', 'expires-in-days': '3' }, /not both/],
  ])('refuses %j, saying why', (values, why) => {
    expect(expiryOf(values, now)).toMatch(why);
  });
});
