import { isId } from './ids';

describe('isId', () => {
  it('accepts the UUIDs accounts and ingest keys get, and nothing else', () => {
    expect(isId('3f1c2a9e-4b7d-4e2a-9c1f-0a1b2c3d4e5f')).toBe(true);
    for (const bad of ['', '\u0000', '3f1c2a9e-4b7d-4e2a-9c1f-0a1b2c3d4e5f\u0000', '../x', 'x'.repeat(36), 42, null]) expect(isId(bad)).toBe(false);
  });
});
