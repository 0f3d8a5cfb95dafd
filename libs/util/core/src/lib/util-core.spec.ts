import { abortableSleep } from './abortable-sleep';
import { assertNever } from './assert-never';

describe('abortableSleep', () => {
  it('waits for the given time', async () => {
    const started = Date.now();
    await abortableSleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('returns as soon as the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 10);
    await abortableSleep(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
    await abortableSleep(10_000, controller.signal);
  });
});

describe('assertNever', () => {
  it('throws with the unexpected value', () => {
    expect(() => assertNever('surprise' as never, 'Unknown kind')).toThrow('Unknown kind: "surprise"');
  });
});
