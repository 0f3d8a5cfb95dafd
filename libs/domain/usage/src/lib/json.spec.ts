import { canonicalJson, findNonJson } from './json';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops whitespace and undefined properties, writes -0 as 0', () => {
    const value = { b: [3, { y: 1, x: -0 }], a: 'é"', c: undefined } as never;
    expect(canonicalJson(value)).toBe('{"a":"é\\"","b":[3,{"x":0,"y":1}]}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(RangeError);
  });
});

describe('findNonJson', () => {
  it('points at the first value JSON would change or lose', () => {
    expect(findNonJson({ a: [1, 'x', null, { b: true }] })).toBeNull();
    expect(findNonJson({ a: [1, Infinity] })).toBe('.a[1]');
    expect(findNonJson({ a: { b: undefined } })).toBe('.a.b');
    expect(findNonJson({ at: new Date(0) })).toBe('.at');
    expect(findNonJson(10n)).toBe('');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(findNonJson(cyclic)).not.toBeNull();
  });
});
