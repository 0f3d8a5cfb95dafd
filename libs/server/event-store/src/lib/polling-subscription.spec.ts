import { AppendSignal } from './polling-subscription';

describe('AppendSignal', () => {
  it('returns at once when the caller has already stopped waiting', async () => {
    // Would sleep the whole minute (past the test's timeout) if it only listened for the abort.
    await new AppendSignal().wait(60_000, AbortSignal.abort());
  });

  it('releases every waiter on notify', async () => {
    const signal = new AppendSignal();
    const waits = [signal.wait(60_000), signal.wait(60_000)];
    signal.notify();
    await Promise.all(waits);
  });
});
