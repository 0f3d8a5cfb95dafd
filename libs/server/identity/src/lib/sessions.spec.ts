import { describeOnEachEngine } from '@act/server/database/testing';
import { SessionStore } from './sessions';

describeOnEachEngine('session store', (database) => {
  let sessions: SessionStore;

  beforeAll(async () => {
    sessions = new SessionStore(database().db, 30);
    await sessions.migrate();
    await sessions.migrate();
  });

  it('rotates the refresh token on every refresh, within one family', async () => {
    const first = await sessions.start('u1');
    const second = await sessions.refresh(first.token);
    expect(second.kind).toBe('rotated');
    if (second.kind !== 'rotated') return;
    expect(second.issued.familyId).toBe(first.familyId);
    expect(second.issued.token).not.toBe(first.token);
    expect(await sessions.isActive(first.familyId)).toBe(true);
  });

  it('revokes the whole family when an exchanged token comes back', async () => {
    const first = await sessions.start('u2');
    const second = await sessions.refresh(first.token);
    if (second.kind !== 'rotated') throw new Error('expected a rotation');
    expect(await sessions.refresh(first.token)).toEqual({ kind: 'reused', familyId: first.familyId, userId: 'u2' });
    expect(await sessions.isActive(first.familyId)).toBe(false);
    expect(await sessions.refresh(second.issued.token)).toEqual({ kind: 'invalid' });
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const first = await sessions.start('u3');
    const outcomes = await Promise.all([sessions.refresh(first.token), sessions.refresh(first.token)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['reused', 'rotated']);
  });

  it('signs out with any token of the family and ignores garbage', async () => {
    const first = await sessions.start('u4');
    await sessions.revokeByToken('not-a-token');
    await sessions.revokeByToken(`${first.familyId}.forged`);
    expect(await sessions.isActive(first.familyId)).toBe(true);
    await sessions.revokeByToken(first.token);
    expect(await sessions.isActive(first.familyId)).toBe(false);
    expect(await sessions.refresh(first.token)).toEqual({ kind: 'invalid' });
  });

  it('stores only hashes of refresh tokens', async () => {
    const issued = await sessions.start('u5');
    const rows = await database().db.query<{ dump: string }>(`select string_agg(t::text, ' ') as dump from auth_refresh_tokens t`);
    expect(rows[0].dump).not.toContain(issued.token.split('.')[1]);
  });
});
