import { ERASED, identifierPattern, identifiersOf, identifierWords, scrub } from './personal-text';

describe('personal text', () => {
  const ids = identifiersOf([{ email: 'Jane.Roe@Example.com', name: 'Jane Roe', firstName: 'Jane' }, null, { firstName: 'J' }]);

  it('takes address, name and first name, longest first, ignoring one-letter values', () => {
    expect(ids).toEqual(['Jane.Roe@Example.com', 'Jane Roe', 'Jane']);
  });

  it("splits them into the lowercased words a report's phrases are made of", () => {
    expect(identifierWords(ids)).toEqual(['jane', 'roe', 'example', 'com']);
  });

  it('replaces them in any case inside JSON string values, keeping keys and other values', () => {
    const doc = { jane: 'Hi JANE ROE, write to jane.roe@example.com', n: 3, list: ['jane'] };
    const { value, changed } = scrub(doc, identifierPattern(ids)!);
    expect(changed).toBe(true);
    expect(value).toEqual({ jane: `Hi ${ERASED}, write to ${ERASED}`, n: 3, list: [ERASED] });
  });

  it('reports no change for text without them', () => {
    expect(scrub('backup stuck', identifierPattern(ids)!)).toEqual({ value: 'backup stuck', changed: false });
  });
});
