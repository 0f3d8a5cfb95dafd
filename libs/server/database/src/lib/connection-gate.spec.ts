import { asDeferrableReads, ConnectionGate, isDeferrableRead } from './connection-gate';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConnectionGate', () => {
  it('hands out up to its capacity at once, then queues', async () => {
    const gate = new ConnectionGate(2);
    const a = await gate.acquire();
    await gate.acquire();
    let third = false;
    void gate.acquire().then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    expect(gate.state).toEqual({ inUse: 2, deferrableInUse: 0, urgentWaiting: 1, deferredWaiting: 0 });
    a();
    await tick();
    expect(third).toBe(true);
    expect(gate.state.inUse).toBe(2);
  });

  it('serves waiting writes before waiting dashboard reads, each in arrival order', async () => {
    const gate = new ConnectionGate(1);
    const first = await gate.acquire();
    const order: string[] = [];
    const wait = (name: string, deferrable: boolean) => {
      const take = () => gate.acquire().then((release) => {
        order.push(name);
        release();
      });
      return deferrable ? asDeferrableReads(take) : take();
    };
    const all = [wait('read 1', true), wait('read 2', true), wait('write 1', false), wait('read 3', true), wait('write 2', false)];
    await tick();
    expect(gate.state).toMatchObject({ urgentWaiting: 2, deferredWaiting: 3 });
    first();
    await Promise.all(all);
    expect(order).toEqual(['write 1', 'write 2', 'read 1', 'read 2', 'read 3']);
    expect(gate.state).toEqual({ inUse: 0, deferrableInUse: 0, urgentWaiting: 0, deferredWaiting: 0 });
  });

  it('runs at most maxDeferrable reads at once, leaving the other connections to writes', async () => {
    const gate = new ConnectionGate(4, 2);
    const reads = await asDeferrableReads(() => Promise.all([gate.acquire(), gate.acquire()]));
    let thirdRead = false;
    void asDeferrableReads(() => gate.acquire()).then(() => (thirdRead = true));
    await tick();
    // Two connections are free, but not for a third read.
    expect(thirdRead).toBe(false);
    expect(gate.state).toEqual({ inUse: 2, deferrableInUse: 2, urgentWaiting: 0, deferredWaiting: 1 });
    const writes = await Promise.all([gate.acquire(), gate.acquire()]);
    expect(gate.state).toMatchObject({ inUse: 4, deferrableInUse: 2 });
    // A write's slot goes to the waiting read only when the read cap allows it: not yet.
    writes[0]();
    await tick();
    expect(thirdRead).toBe(false);
    expect(gate.state).toMatchObject({ inUse: 3, deferredWaiting: 1 });
    // A read's slot does.
    reads[0]();
    await tick();
    expect(thirdRead).toBe(true);
    expect(gate.state).toEqual({ inUse: 3, deferrableInUse: 2, urgentWaiting: 0, deferredWaiting: 0 });
  });

  it('gives a slot back once however often release is called, and on a failed run', async () => {
    const gate = new ConnectionGate(1);
    const release = await gate.acquire();
    release();
    release();
    expect(gate.state.inUse).toBe(0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.state.inUse).toBe(0);
  });

  it('keeps the deferrable mark through awaits, and only inside', async () => {
    expect(isDeferrableRead()).toBe(false);
    await asDeferrableReads(async () => {
      await tick();
      expect(isDeferrableRead()).toBe(true);
    });
    expect(isDeferrableRead()).toBe(false);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new ConnectionGate(0)).toThrow(/at least 1/);
    expect(() => new ConnectionGate(2, 0)).toThrow(/at least 1 connection for reads/);
  });
});
