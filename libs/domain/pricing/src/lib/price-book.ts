import { isDay } from './day';
import type { PriceSheet } from './price-sheet';
import { PRICE_SET, priceSetPrices, type PriceSet, type PriceSource } from './price-set';

/** One price version: what a `PriceSet` said, with its prices as Decimals. */
export interface PriceVersion {
  /** The `PriceSet` event id: record it beside an estimate to say which version priced it. */
  readonly versionId: string;
  readonly provider: string;
  readonly model: string;
  readonly effectiveFrom: string;
  readonly source: PriceSource;
  readonly workspaceId?: string;
  readonly setBy?: string;
  readonly catalogueKey?: string;
  readonly prices: PriceSheet;
}

interface Versions {
  /** Each list in event-log order. */
  readonly catalogue: PriceVersion[];
  readonly instanceOverrides: PriceVersion[];
  readonly workspaceOverrides: Map<string, PriceVersion[]>;
}

const identity = (provider: string, model: string) => `${provider}\u0000${model}`;

/**
 * Every price version known, answering "which price was in force for this model on this day".
 * Built purely from `PriceSet` events in log order (other event types are ignored, a repeated
 * event id is applied once), so a projection can rebuild it by replay.
 *
 * Precedence for a day: the workspace's own override, else an instance-wide override (no
 * workspace), else the catalogue. An override keeps winning over later catalogue refreshes until
 * it is itself replaced. Within one of those, the version with the latest `effectiveFrom` on or
 * before the day wins; two versions with the same `effectiveFrom` are a correction, so the one
 * later in the log wins.
 */
export class PriceBook {
  private readonly models = new Map<string, Versions>();
  private readonly seen = new Set<string>();

  /** A book with no versions: every model is unpriced. */
  static empty(): PriceBook {
    return new PriceBook();
  }

  /** A book built from events in log order. */
  static fromEvents(events: Iterable<{ readonly type: string }>): PriceBook {
    return PriceBook.empty().withEvents(events);
  }

  /** A new book with `events` applied after the ones already in this one (this book is unchanged). */
  withEvents(events: Iterable<{ readonly type: string }>): PriceBook {
    const next = new PriceBook();
    for (const id of this.seen) next.seen.add(id);
    for (const [key, v] of this.models) {
      next.models.set(key, {
        catalogue: [...v.catalogue],
        instanceOverrides: [...v.instanceOverrides],
        workspaceOverrides: new Map([...v.workspaceOverrides].map(([ws, list]) => [ws, [...list]])),
      });
    }
    for (const event of events) if (isPriceSet(event)) next.add(event);
    return next;
  }

  /**
   * The version in force on `day` (YYYY-MM-DD) for `workspaceId`, or undefined when no version
   * applies that day yet: the caller shows the usage as unpriced, never as $0.
   */
  priceFor(provider: string, model: string, day: string, workspaceId?: string): PriceVersion | undefined {
    if (!isDay(day)) throw new Error(`priceFor needs a day (YYYY-MM-DD), got ${JSON.stringify(day)}`);
    const versions = this.models.get(identity(provider, model));
    if (!versions) return undefined;
    const fromWorkspace = workspaceId !== undefined ? versions.workspaceOverrides.get(workspaceId) : undefined;
    return (
      inForce(fromWorkspace ?? [], day) ?? inForce(versions.instanceOverrides, day) ?? inForce(versions.catalogue, day)
    );
  }

  /** True when any version (of any scope, from any day) exists for the model. */
  has(provider: string, model: string): boolean {
    return this.models.has(identity(provider, model));
  }

  /** Every version of a model in log order, for the audit trail. */
  history(provider: string, model: string): readonly PriceVersion[] {
    const v = this.models.get(identity(provider, model));
    if (!v) return [];
    return [...v.catalogue, ...v.instanceOverrides, ...[...v.workspaceOverrides.values()].flat()];
  }

  private add(event: PriceSet): void {
    if (this.seen.has(event.id)) return;
    this.seen.add(event.id);
    const d = event.data;
    const version: PriceVersion = {
      versionId: event.id,
      provider: d.provider,
      model: d.model,
      effectiveFrom: d.effectiveFrom,
      source: d.source,
      ...(d.workspaceId !== undefined ? { workspaceId: d.workspaceId } : {}),
      ...(d.setBy !== undefined ? { setBy: d.setBy } : {}),
      ...(d.catalogueKey !== undefined ? { catalogueKey: d.catalogueKey } : {}),
      prices: priceSetPrices(event),
    };
    const key = identity(d.provider, d.model);
    let versions = this.models.get(key);
    if (!versions) {
      versions = { catalogue: [], instanceOverrides: [], workspaceOverrides: new Map() };
      this.models.set(key, versions);
    }
    if (d.source === 'catalogue') versions.catalogue.push(version);
    else if (d.workspaceId === undefined) versions.instanceOverrides.push(version);
    else {
      const list = versions.workspaceOverrides.get(d.workspaceId) ?? [];
      list.push(version);
      versions.workspaceOverrides.set(d.workspaceId, list);
    }
  }
}

function isPriceSet(event: { readonly type: string }): event is PriceSet {
  return event.type === PRICE_SET;
}

/** Latest effectiveFrom ≤ day; on a tie the later version in the log (`>=` while scanning in order). */
function inForce(versions: readonly PriceVersion[], day: string): PriceVersion | undefined {
  let best: PriceVersion | undefined;
  for (const v of versions) {
    if (v.effectiveFrom <= day && (!best || v.effectiveFrom >= best.effectiveFrom)) best = v;
  }
  return best;
}
