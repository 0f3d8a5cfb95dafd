import { dayNumber, dayText, monthSpan, weekdayOf } from './days';

describe('days', () => {
  it('maps UTC days to day numbers and back, with Sunday = 0', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(weekdayOf(0)).toBe(4);
    expect(weekdayOf(dayNumber('2026-03-01'))).toBe(0);
    expect(dayText(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(weekdayOf(-1)).toBe(3);
  });

  it('knows month lengths, leap years included', () => {
    expect(monthSpan('2026-02')).toEqual({ first: dayNumber('2026-02-01'), days: 28 });
    expect(monthSpan('2024-02').days).toBe(29);
    expect(monthSpan('2026-12').days).toBe(31);
  });

  it('rejects text that is not a calendar day or month', () => {
    for (const bad of ['2026-2-01', '2026-02-29', '2026-13-01', '20260201', '']) expect(() => dayNumber(bad)).toThrow(RangeError);
    for (const bad of ['2026-00', '2026-13', '2026-1']) expect(() => monthSpan(bad)).toThrow(RangeError);
  });
});
