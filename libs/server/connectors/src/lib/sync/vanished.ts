import {
  observeUsage,
  parseLineItem,
  reportCost,
  type CostReported,
  type CostReportedData,
  type UsageObserved,
  type UsageObservedData,
} from '@act/domain/usage';
import type { SyncResult } from './types';

/**
 * Keys the ledger holds for a day the provider has just answered, but that the answer no longer contains: a
 * provider revised a model's usage (or a billed line) away. Latest-wins per key would keep the old numbers
 * forever, so each such key gets a zero observation / a zero amount, dated like the rest of the run.
 *
 * `current` is what the ledger shows now for this account (the latest event data per key, any days); keys
 * already at zero, of other accounts or providers, or of days the run did not answer are left alone.
 * Pure: the scheduler calls it with the read model's rows and appends the result with the run's events.
 */
export function zeroesForVanishedKeys(
  result: SyncResult,
  current: {
    usage: readonly UsageObservedData[];
    costs: readonly CostReportedData[];
  },
): { usage: UsageObserved[]; costs: CostReported[] } {
  const answered = new Set(result.days);
  const pending = new Set(result.pendingDays);
  const seenUsage = new Set(result.usage.map((e) => `${e.data.workspaceId}|${e.data.accountId}|${e.data.day}|${e.data.requestType}`));
  const seenCosts = new Set(result.costs.map((e) => `${e.data.workspaceId}|${e.data.accountId}|${e.data.day}|${e.data.lineItem}`));
  const raw = { vanished: true, note: 'absent from the provider answer for this day' };
  const usage: UsageObserved[] = [];
  for (const data of current.usage) {
    if (data.provider !== result.provider || !answered.has(data.day)) continue;
    if (seenUsage.has(`${data.workspaceId}|${data.accountId}|${data.day}|${data.requestType}`)) continue;
    const zero =
      Object.values(data.tokens).every((n) => n === 0) &&
      Object.values(data.units).every((n) => n === 0) &&
      data.reportedCost === undefined;
    if (zero) continue;
    const event = observeUsage({
      workspaceId: data.workspaceId,
      accountId: data.accountId,
      day: data.day,
      provider: data.provider,
      model: data.model,
      operation: data.operation,
      serviceTier: data.serviceTier,
      contextTier: data.contextTier,
      project: data.project ?? null,
      raw,
      source: 'usage-api',
      observedAt: result.observedAt,
      final: !pending.has(data.day),
    });
    if (event.ok) usage.push(event.value);
  }
  const costs: CostReported[] = [];
  for (const data of current.costs) {
    if (!answered.has(data.day) || data.amount === '0') continue;
    const line = parseLineItem(data.lineItem);
    if (!line.ok || line.value.provider !== result.provider) continue;
    if (seenCosts.has(`${data.workspaceId}|${data.accountId}|${data.day}|${data.lineItem}`)) continue;
    const event = reportCost({
      workspaceId: data.workspaceId,
      accountId: data.accountId,
      day: data.day,
      provider: line.value.provider,
      description: line.value.description,
      project: line.value.project ?? null,
      amount: '0',
      currency: 'USD',
      raw,
      source: 'usage-api',
      observedAt: result.observedAt,
      final: !pending.has(data.day),
    });
    if (event.ok) costs.push(event.value);
  }
  return { usage, costs };
}
