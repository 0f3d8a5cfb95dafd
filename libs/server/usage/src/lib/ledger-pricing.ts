import {
  money,
  moneyString,
  priceUsage,
  type PriceCatalogue,
  type PricedUsage,
  type PricedUsageDetail,
  type PricedUsageInput,
  type UsageCostStatus,
} from '@act/domain/pricing';
import { OTHER_UNITS, TOKEN_CLASSES } from '@act/domain/usage';

/** What the ledger prices: a usage row as `priceUsage` reads it, and the amount it was billed with, if any. */
export interface LedgerUsageInput extends PricedUsageInput {
  /**
   * The cost the observation came with (`reportedCost.amount`, an exact decimal string: a manual
   * entry's amount, an import's cost column, a per-request cost); null when it came without one.
   */
  readonly billedAmount: string | null;
}

/** The class and price source of the one cost line of an estimate that is a manual entry's entered amount. */
export const ENTERED_AMOUNT_CLASS = 'amount';
export const ENTERED_AMOUNT_SOURCE = 'entered amount';

/** The cost line of an estimate that is a manual entry's entered amount: 1 × the amount. */
export interface EnteredAmountLine {
  readonly class: typeof ENTERED_AMOUNT_CLASS;
  readonly quantity: 1;
  readonly unitPrice: string;
  readonly amount: string;
  readonly priceSource: typeof ENTERED_AMOUNT_SOURCE;
}

/** A cost line of a ledger estimate: the cost engine's (quantity × unit price), or an entered amount. */
export type LedgerCostLine = PricedUsageDetail['lines'][number] | EnteredAmountLine;

/** `PricedUsage` as the ledger stores it: its detail may hold an entered amount's line. */
export interface LedgerPricedUsage extends Omit<PricedUsage, 'detail'> {
  readonly detail: Omit<PricedUsageDetail, 'lines'> & { readonly lines: readonly LedgerCostLine[] };
}

/**
 * Prices one usage row for the ledger: `priceUsage` (the one definition of pricing), with the
 * two rules of a manual entry (`source: 'manual'`):
 *
 * - **Its entered amount is its cost.** A manual entry with an amount (a $300 seat subscription,
 *   a self-hosted model's bill, tokens *and* what they cost) is estimated at exactly that amount,
 *   whatever the catalogue says about its model and quantities: status `manual`, no price
 *   version, one cost line "entered amount" (1 × the amount). No price change can change it, so
 *   a recompute never reprices it; it counts in every estimated figure (month, daily series,
 *   budgets, forecasts), and the audit shows it estimated = reconciled.
 * - Without an amount it is priced from its quantities like any usage, with the status
 *   `ledgerStatus` gives.
 *
 * Every writer of `cost_estimates` (arriving usage, a recompute's batches and its activation,
 * the preview) prices through here, so they agree row for row; the in-database repricing
 * (repricing-sql.ts) takes the entered amount's line from here too and puts each row's own
 * amount in it.
 */
export function priceLedgerUsage(usage: LedgerUsageInput, catalogue: PriceCatalogue): LedgerPricedUsage {
  if (usage.source === 'manual' && usage.billedAmount !== null) return enteredAmount(usage.billedAmount);
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
  usage: Pick<LedgerUsageInput, 'source' | 'billedAmount' | 'tokens' | 'units'>,
  priced: UsageCostStatus,
): UsageCostStatus {
  if (usage.source !== 'manual') return priced;
  if (priced === 'unpriced' && usage.billedAmount === null && hasQuantity(usage)) return 'unpriced';
  return 'manual';
}

/**
 * The estimate of a manual entry with an amount. It depends on nothing but the amount (never on
 * its size either: repricing-sql.ts relies on that), exact: the amount as entered, normalized.
 */
function enteredAmount(amount: string): LedgerPricedUsage {
  const value = moneyString(money(amount));
  return {
    status: 'manual',
    estimated: value,
    priceSetId: null,
    priceProvider: null,
    priceModel: null,
    match: null,
    note: null,
    detail: {
      lines: [{ class: ENTERED_AMOUNT_CLASS, quantity: 1, unitPrice: value, amount: value, priceSource: ENTERED_AMOUNT_SOURCE }],
      unpriced: [],
      flags: [],
    },
  };
}

function hasQuantity(usage: Pick<LedgerUsageInput, 'tokens' | 'units'>): boolean {
  return TOKEN_CLASSES.some((c) => (usage.tokens[c] ?? 0) !== 0) || OTHER_UNITS.some((u) => (usage.units[u] ?? 0) !== 0);
}
