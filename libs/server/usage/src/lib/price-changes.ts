import { DomainRuleViolation } from '@act/domain/event-sourcing';
import type { PriceSheetStrings } from '@act/domain/pricing';
import type { SqlDatabase } from '@act/server/database';
import type { EventStore } from '@act/server/event-store';
import { CostCommands, type CommandContext } from './cost-commands';
import { CostVersionQueries, type PriceChangePreview } from './cost-version-queries';
import { PricingCommands } from './pricing-commands';

export interface AppliedPriceChange {
  readonly priceSetId: string;
  /** The highest position written (`?waitFor=`). */
  readonly position: bigint;
  /** The recompute started for it; null when no recorded usage changes (a future day, an unused model). */
  readonly recompute: { readonly recomputeId: string; readonly version: number } | null;
  /** Set when another recompute was running: the worker follows up with this change when it ends. */
  readonly queuedBehind: string | null;
  /** How many estimate rows the change reprices (from the dry run made just before). */
  readonly rowsChanged: number;
}

/**
 * "Apply" of the pricing page: previews the change, sets the price (a `PriceSet.v1` override),
 * and, when recorded usage changes, starts the recompute into a new cost version whose
 * progress the caller can follow. Preview first with `CostVersionQueries.preview`.
 */
export class PriceChanges {
  private readonly pricing: PricingCommands;
  private readonly costs: CostCommands;
  private readonly queries: CostVersionQueries;

  constructor(store: EventStore, sql: SqlDatabase) {
    this.pricing = new PricingCommands(store);
    this.costs = new CostCommands(store);
    this.queries = new CostVersionQueries(sql);
  }

  async apply(workspaceId: string, change: PriceChangePreview, context: CommandContext = {}): Promise<AppliedPriceChange> {
    const preview = await this.queries.preview(workspaceId, change);
    const set = await this.pricing.setPrice(
      {
        workspaceId: change.scope === 'instance' ? null : workspaceId,
        provider: change.provider,
        model: change.model,
        prices: change.prices as PriceSheetStrings,
        effectiveFrom: change.effectiveFrom,
      },
      context,
    );
    if (preview.rowsChanged === 0) {
      return { priceSetId: set.priceSetId, position: set.position, recompute: null, queuedBehind: null, rowsChanged: 0 };
    }
    try {
      const started = await this.costs.startRecompute(
        workspaceId,
        { causes: [set.priceSetId], reason: `price of ${change.provider}/${change.model} from ${change.effectiveFrom}` },
        context,
      );
      return {
        priceSetId: set.priceSetId,
        position: started.position > set.position ? started.position : set.position,
        recompute: { recomputeId: started.recomputeId, version: started.version },
        queuedBehind: null,
        rowsChanged: preview.rowsChanged,
      };
    } catch (error) {
      if (!(error instanceof DomainRuleViolation) || error.code !== 'recompute.running') throw error;
      const state = await this.costs.state(workspaceId);
      return {
        priceSetId: set.priceSetId,
        position: set.position,
        recompute: null,
        queuedBehind: state.running?.recomputeId ?? null,
        rowsChanged: preview.rowsChanged,
      };
    }
  }
}
