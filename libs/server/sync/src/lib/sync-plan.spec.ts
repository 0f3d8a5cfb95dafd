import { addDays, foldCoverage, planSync, unfinishedRuns } from './sync-events';

const base = { today: '2026-11-24', backfillDays: 90, lookbackDays: 3, chunkDays: 15 };

describe('sync planning', () => {
  it('backfills the whole window newest first, in contiguous chunks', () => {
    const chunks = planSync({ ...base, coverage: { from: null, through: null } });
    expect(chunks[0]).toEqual({ from: '2026-11-10', to: '2026-11-24' });
    expect(chunks).toHaveLength(6);
    expect(chunks[5]).toEqual({ from: addDays('2026-11-24', -89), to: '2026-09-10' });
    for (let i = 1; i < chunks.length; i++) expect(addDays(chunks[i].to, 1)).toBe(chunks[i - 1].from);
  });

  it('re-reads the look-back window on an incremental run', () => {
    const coverage = { from: addDays('2026-11-24', -89), through: '2026-11-24' };
    expect(planSync({ ...base, coverage })).toEqual([{ from: '2026-11-22', to: '2026-11-24' }]);
    const stale = { from: addDays('2026-11-24', -89), through: '2026-11-10' };
    expect(planSync({ ...base, coverage: stale })).toEqual([
      { from: '2026-11-10', to: '2026-11-24' },
      { from: '2026-11-08', to: '2026-11-09' },
    ]);
  });

  it('resumes a backfill cut short without re-reading what it recorded', () => {
    const events = [{ type: 'SyncChunkRecorded', data: { from: '2026-11-10', to: '2026-11-24' } }, { type: 'SyncChunkRecorded', data: { from: '2026-10-26', to: '2026-11-09' } }];
    const coverage = foldCoverage(events);
    expect(coverage).toEqual({ from: '2026-10-26', through: '2026-11-24' });
    const chunks = planSync({ ...base, coverage });
    expect(chunks[0]).toEqual({ from: '2026-11-22', to: '2026-11-24' });
    expect(chunks[1]).toEqual({ from: '2026-10-11', to: '2026-10-25' });
    expect(chunks[chunks.length - 1].from).toBe(addDays('2026-11-24', -89));
  });

  it('finds the runs that started and never ended, whatever the order of other runs', () => {
    const events = [
      { type: 'SyncRunStarted', data: { runId: 'a' } },
      { type: 'SyncChunkRecorded', data: { runId: 'a', from: '2026-11-20', to: '2026-11-24' } },
      { type: 'SyncRunStarted', data: { runId: 'b' } },
      { type: 'SyncRunCompleted', data: { runId: 'b' } },
      { type: 'SyncRunStarted', data: { runId: 'c' } },
      { type: 'SyncRunFailed', data: { runId: 'c' } },
      { type: 'SyncRunStarted', data: { runId: 'd' } },
    ];
    expect(unfinishedRuns(events)).toEqual(['a', 'd']);
    expect(unfinishedRuns([])).toEqual([]);
  });
});
