import { ConflictException } from '@nestjs/common';
import type { Response } from 'express';
import type { SqlDatabase } from '@act/server/database';
import type { AppConfig } from '@act/server/platform';
import { KURRENTDB_BACKUP_MESSAGE } from './backup';
import { BackupController } from './backup.controller';

describe('BackupController', () => {
  it('refuses with 409 and what to do instead when the event log is in KurrentDB, before writing a byte', async () => {
    const touched: string[] = [];
    const db = { query: async () => (touched.push('query'), []) } as unknown as SqlDatabase;
    const response = { setHeader: () => touched.push('header'), write: () => touched.push('write') } as unknown as Response;
    const download = new BackupController(db, { EVENT_STORE: 'kurrentdb' } as AppConfig).download(response);
    await expect(download).rejects.toBeInstanceOf(ConflictException);
    await expect(download).rejects.toThrow(KURRENTDB_BACKUP_MESSAGE);
    expect(KURRENTDB_BACKUP_MESSAGE).toMatch(/KurrentDB/);
    expect(touched).toEqual([]);
  });
});
