import { findUnstorableText } from './storable-text';

describe('findUnstorableText', () => {
  it('accepts ordinary text, emoji (surrogate pairs), numbers and nesting', () => {
    expect(findUnstorableText({ name: 'naïve — 日本 🚀', n: 1, list: ['a', { deep: 'ok' }], empty: null }, 'body')).toBeNull();
    expect(findUnstorableText('🚀🚀', 'query.q')).toBeNull();
  });

  it('finds a NUL character and names where it is', () => {
    expect(findUnstorableText({ a: { b: ['x', 'y\u0000z'] } }, 'body')).toBe('body.a.b[1]');
    expect(findUnstorableText({ model: 'gpt\u0000' }, 'query')).toBe('query.model');
  });

  it('finds a lone high or low surrogate, but not a pair', () => {
    expect(findUnstorableText({ name: 'a\ud800b' }, 'body')).toBe('body.name');
    expect(findUnstorableText({ name: 'a\udc00' }, 'body')).toBe('body.name');
    expect(findUnstorableText({ name: '\ud800' }, 'body')).toBe('body.name');
    expect(findUnstorableText({ name: '\ud83d\ude80' }, 'body')).toBeNull();
  });

  it('checks field names too', () => {
    expect(findUnstorableText({ ['bad\u0000key']: 1 }, 'body')).toBe('body (a field name)');
  });
});
