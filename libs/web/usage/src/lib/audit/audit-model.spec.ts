import { accountFixture, auditFixture, cellFixture } from '../testing/usage-fixtures.testing';
import { auditMatrix, cellFigure } from './audit-model';

describe('audit matrix', () => {
  it('has a row per account with its cells by day and exact totals', () => {
    const audit = auditFixture([
      cellFixture({ day: '2026-03-01', estimated: '0.1', reconciled: '0.15', difference: '0.05', status: 'reconciled' }),
      cellFixture({ day: '2026-03-02', estimated: '0.2', reconciled: null, difference: null }),
      cellFixture({ accountId: 'acc2', day: '2026-03-02', estimated: '9', status: 'unpriced' }),
    ]);
    const matrix = auditMatrix(audit, new Map([['acc1', accountFixture()]]));

    expect(matrix.days).toHaveLength(31);
    expect(matrix.rows.map((row) => row.accountId)).toEqual(['acc2', 'acc1']);
    const acc1 = matrix.rows[1];
    expect(acc1?.name).toBe('OpenAI production');
    expect([acc1?.estimated, acc1?.reconciled, acc1?.difference]).toEqual(['0.3', '0.15', '0.05']);
    expect(acc1?.cells.get('2026-03-01')?.status).toBe('reconciled');
    expect(acc1?.cells.has('2026-03-03')).toBe(false);
  });

  it('shows the billed amount of a reconciled cell, else the estimate', () => {
    expect(cellFigure(cellFixture({ status: 'reconciled', estimated: '1', reconciled: '1.2' }))).toBe('1.2');
    expect(cellFigure(cellFixture({ status: 'pending', estimated: '1', reconciled: null }))).toBe('1');
  });
});
