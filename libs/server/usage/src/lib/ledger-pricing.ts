import { priceUsage, type PriceCatalogue, type PricedUsage, type PricedUsageInput, type UsageCostStatus } from '@act/domain/pricing';
import { OTHER_UNITS, TOKEN_CLASSES } from '@act/domain/usage';

/** What the ledger prices: a usage row as `priceUsage` reads it, and whether it carries a billed amount. */
export interface LedgerUsageInput extends PricedUsageInput {
  /** The observation came with its own cost (`reportedCost`: a manual entry's amount, an import's cost column, a per-request cost). */
  readonly billed: boolean;
}

/**
 * Prices one usage row for the ledger: `priceUsage` (the one definition of pricing), with the
 * status a manual entry takes in the ledger (`ledgerStatus`). Every writer of `cost_estimates`
 * (arriving usage, a recompute's batches and its activation, the preview) prices through here,
 * so they agree row for row.
 */
export function priceLedgerUsage(usage: LedgerUsageInput, catalogue: PriceCatalogue): PricedUsage {
  const priced = priceUsage(usage, catalogue);
  const status = ledgerStatus(usage, priced.status);
  return status === priced.status ? priced : { ...priced, status };
}

/**
 * A manual entry is `manual`: what someone entered by hand (a seat subscription, a self-hosted
 * model's bill), never "usage of a model without a price" because its model name is not in the
 * catalogue, and never `pending` (there is no provider data that could still change: the entry
 * changes only when someone edits it). It is `unpriced` in one case only: it has quantities
 * that have no price and no amount, so that nothing says what it cost (an estimate that would
 * otherwise count it as $0). Every other source keeps the status `priceUsage` gives it.
 */
export function ledgerStatus(
  usage: Pick<LedgerUsageInput, 'source' | 'billed' | 'tokens' | 'units'>,
  priced: UsageCostStatus,
): UsageCostStatus {
  if (usage.source !== 'manual') return priced;
  if (priced === 'unpriced' && !usage.billed && hasQuantity(usage)) return 'unpriced';
  return 'manual';
}

function hasQuantity(usage: Pick<LedgerUsageInput, 'tokens' | 'units'>): boolean {
  return TOKEN_CLASSES.some((c) => (usage.tokens[c] ?? 0) !== 0) || OTHER_UNITS.some((u) => (usage.units[u] ?? 0) !== 0);
}
