import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidKeyringError } from './errors';
import { KEY_FILE_NAME, loadOrCreateKeyFile } from './key-file';
import { Keyring } from './keyring';
import { loadKeyring } from './load-keyring';

describe('loadOrCreateKeyFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'act-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a key on first use, readable by its owner only, and reuses it afterwards', () => {
    const dataDir = join(dir, 'data', 'nested');
    const first = loadOrCreateKeyFile(dataDir);
    expect(first).toMatchObject({ path: join(dataDir, KEY_FILE_NAME), generated: true });
    expect(Keyring.parse(first.keys).keyIds).toEqual(['k1']);
    if (process.platform !== 'win32') expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.path, 'utf8')).toMatch(/set CREDENTIAL_KEYS instead/);
    expect(readdirSync(dataDir)).toEqual([KEY_FILE_NAME]); // no temporary file left behind

    const second = loadOrCreateKeyFile(dataDir);
    expect(second).toEqual({ ...first, generated: false });
  });

  it('reads keys an operator added, one per line, skipping comments', () => {
    const k2 = Keyring.generateKeyString('k2');
    const k1 = Keyring.generateKeyString('k1');
    writeFileSync(join(dir, KEY_FILE_NAME), `# rotated in October\n${k2}\n\n${k1}\n`);
    const file = loadOrCreateKeyFile(dir);
    expect(file).toMatchObject({ keys: `${k2},${k1}`, generated: false });
    expect(Keyring.parse(file.keys).activeKeyId).toBe('k2');
  });

  it('refuses an emptied key file rather than quietly generating a new key', () => {
    writeFileSync(join(dir, KEY_FILE_NAME), '# nothing here\n');
    expect(() => loadOrCreateKeyFile(dir)).toThrow(InvalidKeyringError);
    expect(readFileSync(join(dir, KEY_FILE_NAME), 'utf8')).toBe('# nothing here\n');
  });
});

describe('loadKeyring', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'act-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers CREDENTIAL_KEYS and creates no key file then', () => {
    const env = { CREDENTIAL_KEYS: `${Keyring.generateKeyString('prod2')},${Keyring.generateKeyString('prod1')}` };
    const loaded = loadKeyring({ env, dataDir: dir });
    expect(loaded).toMatchObject({ source: 'environment', generated: false });
    expect(loaded.keyring.keyIds).toEqual(['prod2', 'prod1']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('falls back to the key file when CREDENTIAL_KEYS is unset or blank', () => {
    const first = loadKeyring({ env: {}, dataDir: dir });
    expect(first).toMatchObject({ source: 'key-file', keyFile: join(dir, KEY_FILE_NAME), generated: true });
    const second = loadKeyring({ env: { CREDENTIAL_KEYS: ' ' }, dataDir: dir });
    expect(second).toMatchObject({ source: 'key-file', generated: false });
  });

  it('reports a malformed CREDENTIAL_KEYS instead of falling back', () => {
    expect(() => loadKeyring({ env: { CREDENTIAL_KEYS: 'k1:short' }, dataDir: dir })).toThrow(InvalidKeyringError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('needs either CREDENTIAL_KEYS or a data directory', () => {
    expect(() => loadKeyring({ env: {} })).toThrow(/CREDENTIAL_KEYS is not set/);
  });
});
