import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { CredentialVault } from './credential-vault';
import { CredentialDecryptionError, CredentialNotFoundError, UnknownCredentialKeyError } from './errors';
import { Keyring } from './keyring';

const K0 = Keyring.generateKeyString('k0');
const K1 = Keyring.generateKeyString('k1');
const K2 = Keyring.generateKeyString('k2');
const keyring = (...entries: string[]) => Keyring.parse(entries.join(','));

const SECRET = 'sk-admin-Zq8vR2mN4pL7xK1wT9yB3cD6fG0hJ5sAeU2iO8-a1b2';
const secretFor = (i: number) => `sk-ant-admin01-${String(i).padStart(4, '0')}Xk9mQ2wE7rT4yU1iO0pA5sD8fG3hJ6kL-wxyz`;

describeOnEachEngine('CredentialVault', (database) => {
  const db = () => database().db;
  const vault = (...entries: string[]) => new CredentialVault(db(), keyring(...entries));
  const keyIdOf = async (credentialId: string) =>
    (
      await db().query<{ key_id: string }>('select key_id from credential_vault where credential_id = $1', [
        credentialId,
      ])
    )[0]?.key_id;

  beforeEach(async () => {
    await resetDatabase(db());
    await vault(K1).migrate();
  });

  it('migrates idempotently', async () => {
    await vault(K1).migrate();
    await vault(K1).migrate();
    expect(await vault(K1).countByKey()).toEqual({});
  });

  it('stores and reveals a credential, with a hint that is safe to show', async () => {
    const v = vault(K1);
    const stored = await v.store('acc1', SECRET);
    expect(stored.credentialId).toMatch(/^[0-9a-f-]{36}$/);
    expect(stored.hint).toBe('sk-admin-…a1b2');
    expect(await v.reveal(stored.credentialId, 'acc1')).toBe(SECRET);
    expect(await keyIdOf(stored.credentialId)).toBe('k1');
  });

  it('makes a new row for every credential version and never rewrites one', async () => {
    const v = vault(K1);
    const first = await v.store('acc1', SECRET);
    const second = await v.store('acc1', SECRET);
    expect(second.credentialId).not.toBe(first.credentialId);
    const rows = await db().query<{ ciphertext: string }>('select ciphertext from credential_vault');
    expect(new Set(rows.map((r) => r.ciphertext)).size).toBe(2);
    expect(await v.reveal(first.credentialId, 'acc1')).toBe(SECRET);
  });

  it('never writes the plaintext (or its base64) into any column', async () => {
    const v = vault(K1);
    const { credentialId } = await v.store('acc1', SECRET);
    await vault(K2, K1).rotateAll();
    const [row] = await db().query<{ everything: string }>(
      'select row_to_json(v)::text as everything from credential_vault v where credential_id = $1',
      [credentialId],
    );
    for (const leak of [SECRET, SECRET.slice(9, 30), Buffer.from(SECRET).toString('base64').slice(0, 20)]) {
      expect(row.everything).not.toContain(leak);
    }
  });

  it('reveals nothing to another owner', async () => {
    const v = vault(K1);
    const { credentialId } = await v.store('acc1', SECRET);
    await expect(v.reveal(credentialId, 'acc2')).rejects.toBeInstanceOf(CredentialNotFoundError);
    await expect(v.reveal('not-a-uuid', 'acc1')).rejects.toBeInstanceOf(CredentialNotFoundError);
    await expect(v.reveal('00000000-0000-4000-8000-000000000000', 'acc1')).rejects.toBeInstanceOf(
      CredentialNotFoundError,
    );
  });

  it('refuses a ciphertext copied onto another account', async () => {
    const v = vault(K1);
    const { credentialId } = await v.store('acc1', SECRET);
    const copy = '11111111-1111-4111-8111-111111111111';
    await db().query(
      `insert into credential_vault (credential_id, owner_id, key_id, iv, tag, ciphertext)
       select $1, 'acc2', key_id, iv, tag, ciphertext from credential_vault where credential_id = $2`,
      [copy, credentialId],
    );
    await expect(v.reveal(copy, 'acc2')).rejects.toThrow(CredentialDecryptionError);
    await expect(v.reveal(copy, 'acc2')).rejects.toThrow(`Credential ${copy} could not be decrypted`);
  });

  it.each([
    [
      'ciphertext',
      `encode(set_byte(decode(ciphertext, 'base64'), 0, get_byte(decode(ciphertext, 'base64'), 0) # 1), 'base64')`,
    ],
    ['tag', `encode(set_byte(decode(tag, 'base64'), 15, get_byte(decode(tag, 'base64'), 15) # 1), 'base64')`],
    ['iv', `encode(set_byte(decode(iv, 'base64'), 0, get_byte(decode(iv, 'base64'), 0) # 1), 'base64')`],
  ])('refuses a row whose %s was tampered with', async (column, tampered) => {
    const v = vault(K1);
    const { credentialId } = await v.store('acc1', SECRET);
    await db().query(`update credential_vault set ${column} = ${tampered} where credential_id = $1`, [credentialId]);
    await expect(v.reveal(credentialId, 'acc1')).rejects.toBeInstanceOf(CredentialDecryptionError);
  });

  it('names the key id missing from CREDENTIAL_KEYS', async () => {
    const { credentialId } = await vault(K1).store('acc1', SECRET);
    const error = await vault(K2)
      .reveal(credentialId, 'acc1')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(UnknownCredentialKeyError);
    expect((error as Error).message).toMatch(
      /encrypted with key "k1", which is missing from CREDENTIAL_KEYS \(it holds: k2\)/,
    );
  });

  it('destroys one credential, or all of an owner’s', async () => {
    const v = vault(K1);
    const a = await v.store('acc1', SECRET);
    const b = await v.store('acc1', secretFor(1));
    const c = await v.store('acc2', secretFor(2));
    expect(await v.destroy(a.credentialId)).toBe(true);
    expect(await v.destroy(a.credentialId)).toBe(false);
    expect(await v.destroy('not-a-uuid')).toBe(false);
    await expect(v.reveal(a.credentialId, 'acc1')).rejects.toBeInstanceOf(CredentialNotFoundError);
    expect(await v.destroyAllFor('acc1')).toBe(1);
    await expect(v.reveal(b.credentialId, 'acc1')).rejects.toBeInstanceOf(CredentialNotFoundError);
    expect(await v.reveal(c.credentialId, 'acc2')).toBe(secretFor(2));
  });

  it('stores within the caller’s transaction, and not at all when it rolls back', async () => {
    const v = vault(K1);
    const failed = await db()
      .transaction(async (tx) => {
        await v.storeWithin(tx, 'acc1', SECRET);
        throw new Error('the event append failed');
      })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(await v.countByKey()).toEqual({});
    const stored = await db().transaction((tx) => v.storeWithin(tx, 'acc1', SECRET));
    expect(await v.reveal(stored.credentialId, 'acc1')).toBe(SECRET);
  });

  it('rejects an empty credential or owner', async () => {
    await expect(vault(K1).store('acc1', '')).rejects.toThrow(TypeError);
    await expect(vault(K1).store('', SECRET)).rejects.toThrow(TypeError);
  });

  describe('rotation', () => {
    async function storeMany(count: number, entries: string[]) {
      const v = vault(...entries);
      const ids: { credentialId: string; owner: string; secret: string }[] = [];
      for (let i = 0; i < count; i++) {
        const owner = `acc${i}`;
        ids.push({ ...(await v.store(owner, secretFor(i))), owner, secret: secretFor(i) });
      }
      return ids;
    }

    async function expectAllReveal(
      ids: { credentialId: string; owner: string; secret: string }[],
      ...entries: string[]
    ) {
      const v = vault(...entries);
      for (const { credentialId, owner, secret } of ids) expect(await v.reveal(credentialId, owner)).toBe(secret);
    }

    it('moves everything from k1 to k2, after which k1 can be dropped', async () => {
      const old = await storeMany(5, [K1]);
      const fresh = await storeMany(2, [K2, K1]);
      expect(await vault(K2, K1).rotateAll({ batchSize: 2 })).toEqual({ rotated: 5, alreadyCurrent: 2 });
      expect(await vault(K2).countByKey()).toEqual({ k2: 7 });
      await expectAllReveal([...old, ...fresh], K2);
      const [row] = await db().query<{ rotated: boolean }>(
        'select rotated_at is not null as rotated from credential_vault where credential_id = $1',
        [old[0].credentialId],
      );
      expect(row.rotated).toBe(true);
    });

    it('is a no-op when run again', async () => {
      await storeMany(3, [K1]);
      await vault(K2, K1).rotateAll();
      const before = await db().query('select * from credential_vault order by credential_id');
      expect(await vault(K2, K1).rotateAll()).toEqual({ rotated: 0, alreadyCurrent: 3 });
      expect(await vault(K2).rotateAll()).toEqual({ rotated: 0, alreadyCurrent: 3 });
      expect(await db().query('select * from credential_vault order by credential_id')).toEqual(before);
    });

    it('picks up where a run that crashed between batches stopped', async () => {
      const ids = await storeMany(7, [K1]);
      const crash = vault(K2, K1).rotateAll({
        batchSize: 1,
        onBatchCommitted: ({ rotated }) => {
          if (rotated === 3) throw new Error('process killed');
        },
      });
      await expect(crash).rejects.toThrow('process killed');
      expect(await vault(K2, K1).countByKey()).toEqual({ k1: 4, k2: 3 });
      await expectAllReveal(ids, K2, K1); // half-rotated is a consistent state

      expect(await vault(K2, K1).rotateAll({ batchSize: 1 })).toEqual({ rotated: 4, alreadyCurrent: 3 });
      await expectAllReveal(ids, K2);
    });

    it('rolls back a whole batch when one row cannot be opened, and says which key is missing', async () => {
      const ids = await storeMany(4, [K1]);
      const orphan = await vault(K0).store('acc-old', secretFor(99));
      const failed = vault(K2, K1).rotateAll({ batchSize: 10 });
      await expect(failed).rejects.toBeInstanceOf(UnknownCredentialKeyError);
      await expect(vault(K2, K1).rotateAll({ batchSize: 10 })).rejects.toThrow(/key "k0", which is missing/);
      expect(await vault(K2, K1).countByKey()).toEqual({ k0: 1, k1: 4 });

      // With k0 back in the keyring, the same rotation goes through.
      expect(await vault(K2, K1, K0).rotateAll({ batchSize: 10 })).toEqual({ rotated: 5, alreadyCurrent: 0 });
      await expectAllReveal([...ids, { ...orphan, owner: 'acc-old', secret: secretFor(99) }], K2);
    });

    it('stops at a tampered row instead of skipping it', async () => {
      const [{ credentialId }] = await storeMany(1, [K1]);
      await db().query(`update credential_vault set owner_id = 'someone-else' where credential_id = $1`, [
        credentialId,
      ]);
      await expect(vault(K2, K1).rotateAll()).rejects.toThrow(`Credential ${credentialId} could not be decrypted`);
      expect(await keyIdOf(credentialId)).toBe('k1');
    });

    it('rejects a nonsensical batch size', async () => {
      await expect(vault(K2, K1).rotateAll({ batchSize: 0 })).rejects.toThrow(RangeError);
    });
  });

  it('exports every row still sealed, page by page', async () => {
    const v = vault(K1);
    const stored = [];
    for (let i = 0; i < 5; i++) stored.push(await v.store(`acc${i}`, secretFor(i)));
    const exported = [];
    for await (const row of v.exportSealed(2)) exported.push(row);
    expect(exported.map((r) => r.credentialId)).toEqual(stored.map((s) => s.credentialId).sort());
    expect(exported[0]).toMatchObject({ sealed: { keyId: 'k1' }, rotatedAt: null });
    expect(exported[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(JSON.stringify(exported)).not.toContain('sk-ant');
  });
});
