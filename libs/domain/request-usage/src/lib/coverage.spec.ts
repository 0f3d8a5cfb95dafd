import { coverageGap, isOfficialSource, NO_SIDE, supersededRequestLog, type CoverageSide } from './coverage';

function side(tokens: Partial<CoverageSide['tokens']>, requests: number, cost: string | null, partlyUnpriced = false): CoverageSide {
  return { tokens: { ...NO_SIDE.tokens, ...tokens }, units: { ...NO_SIDE.units, requests }, cost, partlyUnpriced };
}

describe('coverage', () => {
  it('only the usage API is official', () => {
    expect(isOfficialSource('usage-api')).toBe(true);
    expect(['request-log', 'manual', 'import'].map((s) => isOfficialSource(s as never))).toEqual([false, false, false]);
  });

  it('a superseded request-log total counts nothing and is always the same', () => {
    const a = supersededRequestLog();
    expect(Object.values(a.tokens).every((n) => n === 0) && Object.values(a.units).every((n) => n === 0)).toBe(true);
    expect(supersededRequestLog()).toEqual(a);
  });

  it('reports usage the provider saw but nobody logged, exactly in decimal', () => {
    const gap = coverageGap(side({ inputUncached: 1000, output: 100 }, 10, '0.3'), side({ inputUncached: 400, output: 40 }, 4, '0.1'));
    expect(gap).toEqual({
      tokens: { ...NO_SIDE.tokens, inputUncached: 600, output: 60 },
      units: { ...NO_SIDE.units, requests: 6 },
      cost: '0.2',
      totalTokens: 660,
      status: 'not-logged',
    });
  });

  it('tells logged-but-not-seen, mixed and covered apart, and has no cost gap without prices', () => {
    expect(coverageGap(NO_SIDE, side({ output: 5 }, 1, '0.01')).status).toBe('not-seen');
    expect(coverageGap(NO_SIDE, side({ output: 5 }, 1, '0.01')).cost).toBe('-0.01');
    expect(coverageGap(side({ inputUncached: 5 }, 1, null), side({ output: 5 }, 1, '0')).status).toBe('mixed');
    expect(coverageGap(side({ inputUncached: 5 }, 1, null), side({ output: 5 }, 1, '0')).cost).toBeNull();
    expect(coverageGap(side({ output: 5 }, 1, '0.5'), side({ output: 5 }, 1, '0.5'))).toMatchObject({ status: 'covered', cost: '0', totalTokens: 0 });
  });
});
