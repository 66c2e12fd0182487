import { inspectBody, MAX_JSON_DEPTH } from './body-guards';

const nested = (depth: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('inspectBody', () => {
  it('accepts ordinary bodies', () => {
    expect(inspectBody({ a: [1, { b: 'c' }], d: null }, { stripNul: false })).toEqual({ ok: true });
    expect(inspectBody(nested(MAX_JSON_DEPTH - 1), { stripNul: false })).toEqual({ ok: true });
  });

  it('refuses bodies nested too deep, without using the call stack', () => {
    const verdict = inspectBody(nested(200_000), { stripNul: false });
    expect(verdict).toMatchObject({ ok: false, message: expect.stringContaining('nested deeper') });
  });

  it('refuses NUL in text with its path, or strips it in place', () => {
    expect(inspectBody({ requester: { name: 'a\u0000b' } }, { stripNul: false })).toEqual({
      ok: false,
      message: expect.stringContaining('NUL'),
      details: ['$.requester.name: contains NUL'],
    });
    const body = { tags: ['x\u0000y'], d: 'p\u0000q' };
    expect(inspectBody(body, { stripNul: true })).toEqual({ ok: true });
    expect(body).toEqual({ tags: ['xy'], d: 'pq' });
  });
});
