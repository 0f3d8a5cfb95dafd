import { abortableSleep } from '@act/util/core';
import { RecordedEvent, SubscribeOptions } from './event-store';

export interface PollingSource {
  readAll(after: bigint, limit: number): Promise<RecordedEvent[]>;
  /** Resolves when new events may be readable (a local append), or after `ms` at the latest. */
  waitForAppend(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * readAll turned into a live feed. Ordering and gap safety come from readAll itself; this
 * only decides when to read again: at once while batches are full, else on the next local
 * append or after `pollIntervalMs` (appends by other processes are seen on the next poll).
 */
export async function* pollingSubscription(
  source: PollingSource,
  after: bigint,
  options: SubscribeOptions & { pollIntervalMs: number },
): AsyncGenerator<RecordedEvent[]> {
  const batchSize = options.batchSize ?? 500;
  let position = after;
  while (!options.signal?.aborted) {
    const batch = await source.readAll(position, batchSize);
    if (batch.length > 0) {
      position = batch[batch.length - 1].globalPosition;
      yield batch;
    }
    if (batch.length < batchSize) await source.waitForAppend(options.pollIntervalMs, options.signal);
  }
}

/** A wake-up signal for in-process subscribers: `notify` releases everyone waiting. */
export class AppendSignal {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    // An 'abort' listener added to a signal already aborted never fires: it would sleep `ms`.
    if (signal?.aborted) return;
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    this.waiters.add(stop);
    try {
      await abortableSleep(ms, controller.signal);
    } finally {
      this.waiters.delete(stop);
      signal?.removeEventListener('abort', stop);
    }
  }
}
