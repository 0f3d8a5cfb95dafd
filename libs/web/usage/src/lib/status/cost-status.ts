import type { CostStatus } from '@act/contracts';

export interface CostStatusInfo {
  label: string;
  /** What the status means for the figure next to it, for tooltips and the legend. */
  description: string;
}

/**
 * The five states a cost figure can be in. Each has its own colour (see cost-status-chip), and
 * unpriced and pending are never folded into another state: an unpriced row is not $0, and a
 * pending day may still change.
 */
export const COST_STATUS_INFO: Record<CostStatus, CostStatusInfo> = {
  estimated: {
    label: 'Estimated',
    description: 'Usage × the price catalogue. The provider has not billed it (yet).',
  },
  reconciled: {
    label: 'Reconciled',
    description: 'The provider billed this amount; the estimate is shown beside it for comparison.',
  },
  manual: {
    label: 'Manual',
    description: 'Entered by hand: the amount entered is the cost; an entry without an amount is priced from its quantities. Imported files are priced like other usage.',
  },
  unpriced: {
    label: 'Unpriced',
    description:
      'No known price for the model on that day. Not counted as $0: the estimate is a lower bound until a price is set on the Prices page.',
  },
  pending: {
    label: 'Pending',
    description: 'The provider’s data for the day is not final yet; the figure may still change.',
  },
};

export const COST_STATUS_ORDER: readonly CostStatus[] = ['estimated', 'reconciled', 'manual', 'unpriced', 'pending'];

/** Tooltip for a count chip: `3 usage rows are unpriced: …`. */
export function countTooltip(status: CostStatus, count: number): string {
  const rows = count === 1 ? '1 usage row is' : `${count} usage rows are`;
  return `${rows} ${COST_STATUS_INFO[status].label.toLowerCase()}. ${COST_STATUS_INFO[status].description}`;
}
