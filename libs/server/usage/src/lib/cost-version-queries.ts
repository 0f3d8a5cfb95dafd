import type {
  CostDeltaRowDto,
  CostVersionDetailDto,
  CostVersionDto,
  RecomputePreviewDto,
  RecomputeProgressDto,
  SetPriceRequestDto,
} from '@act/contracts';
import type Decimal from 'decimal.js';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import {
  priceSetEvent,
  resolveModel,
  type CatalogueEntry,
  type CatalogueIndex,
  type PriceSheetStrings,
} from '@act/domain/pricing';
import type { SqlExecutor } from '@act/server/database';
import { loadPriceCatalogue } from './price-catalogue-cache';
import { dec, requireDay, str, sum } from './query-support';
import { withoutJit, type RepriceScope, type RowKey } from './repricing';
import { previewRepricedPage, type PreviewGroup, type PreviewPage } from './repricing-sql';

interface VersionRow {
  version: number;
  recompute_id: string;
  from_version: number;
  status: 'running' | 'active' | 'superseded';
  causes: string[];
  reason: string | null;
  requested_by: string | null;
  requested_at: string;
  activated_at: string | null;
  rows_changed: number | null;
  delta: string | null;
}

/** A price change to preview: a workspace override (default) or, for administrators, an instance-wide one. */
export interface PriceChangePreview extends SetPriceRequestDto {
  readonly scope?: 'workspace' | 'instance';
}

/**
 * Cost versions and recomputes of a workspace: the list of versions with what caused each
 * (PriceSets, who, when) and the difference it made, a recompute's progress, and the dry run
 * of a price change. Workspace first, in every statement.
 */
export class CostVersionQueries {
  /** Pass the `SqlDatabase` (its `transaction` lets the dry run turn PostgreSQL's JIT off, see `withoutJit`). */
  constructor(private readonly sql: SqlExecutor & { transaction?: <R>(work: (tx: SqlExecutor) => Promise<R>) => Promise<R> }) {}

  /** Every cost version, newest first. Version 1 (estimates as usage arrived) always exists. */
  async versions(workspaceId: string): Promise<CostVersionDto[]> {
    const rows = await this.sql.query<VersionRow>(
      `select version, recompute_id, from_version, status, causes, reason, requested_by, requested_at, activated_at,
              rows_changed, delta::text as delta
         from cost_versions where workspace_id = $1 order by version desc`,
      [workspaceId],
    );
    const causes = await this.causes(rows.flatMap((r) => r.causes));
    const listed = rows.map((row) => toVersion(row, causes));
    const anyActive = rows.some((r) => r.status === 'active');
    listed.push({
      version: 1,
      status: anyActive ? 'superseded' : 'active',
      recomputeId: null,
      fromVersion: null,
      causes: [],
      reason: 'estimates made as usage arrived',
      requestedBy: null,
      requestedAt: null,
      activatedAt: null,
      rowsChanged: null,
      delta: null,
    });
    return listed;
  }

  /** One version with the difference it made per month, account, provider and model. */
  async version(workspaceId: string, version: number): Promise<CostVersionDetailDto | null> {
    const listed = (await this.versions(workspaceId)).find((v) => v.version === version);
    if (!listed) return null;
    const deltas = await this.sql.query<DeltaRow>(
      `select month, account_id, provider, model, rows, before::text, after::text, delta::text, became_unpriced, became_priced
         from cost_version_deltas where workspace_id = $1 and version = $2
        order by month, account_id, provider, model`,
      [workspaceId, version],
    );
    return { ...listed, deltas: deltas.map(toDelta) };
  }

  /** A recompute's progress, or null when the workspace has no such recompute. */
  async progress(workspaceId: string, recomputeId: string): Promise<RecomputeProgressDto | null> {
    const [run] = await this.sql.query<VersionRow & { workspace_id: string; activated: string | null }>(
      `select workspace_id, version, recompute_id, status, requested_by, requested_at, rows_changed,
              activated_at as activated
         from cost_versions where workspace_id = $1 and recompute_id = $2`,
      [workspaceId, recomputeId],
    );
    if (!run) return null;
    const [hasTable] = await this.sql.query<{ found: boolean }>(
      `select to_regclass('public.cost_recompute_progress') is not null as found`,
    );
    const [progress] = hasTable?.found
      ? await this.sql.query<{
          state: 'running' | 'staged' | 'done';
          rows_total: number;
          rows_done: number;
          rows_changed: number;
          finished_at: string | null;
          last_error: string | null;
        }>(
          `select state, rows_total, rows_done, rows_changed, last_error,
                  to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as finished_at
             from public.cost_recompute_progress where recompute_id = $1`,
          [recomputeId],
        )
      : [];
    const done = run.status !== 'running';
    return {
      recomputeId,
      workspaceId,
      version: run.version,
      state: done ? 'done' : (progress?.state === 'done' ? 'staged' : progress?.state) ?? 'queued',
      rowsDone: progress?.rows_done ?? 0,
      rowsTotal: progress?.rows_total ?? 0,
      rowsChanged: progress?.rows_changed ?? run.rows_changed ?? 0,
      requestedBy: run.requested_by,
      requestedAt: run.requested_at,
      // The version can be active a moment before the worker marks its progress row finished.
      finishedAt: progress?.finished_at ?? (done ? run.activated : null),
      lastError: progress?.last_error ?? null,
    };
  }

  /** The recompute currently running in the workspace, if any. */
  async running(workspaceId: string): Promise<RecomputeProgressDto | null> {
    const [row] = await this.sql.query<{ recompute_id: string }>(
      `select recompute_id from cost_versions where workspace_id = $1 and status = 'running'`,
      [workspaceId],
    );
    return row ? this.progress(workspaceId, row.recompute_id) : null;
  }

  /**
   * Dry run: what a recompute would change, per month and model, if `change` were set now (or,
   * without `change`, what the PriceSets not yet reflected in the current version would change).
   * Nothing is written. Months already closed are flagged: there the change would show as an
   * adjustment line.
   */
  async preview(workspaceId: string, change?: PriceChangePreview): Promise<RecomputePreviewDto> {
    let catalogue = await loadPriceCatalogue(this.sql);
    let hypothetical: RepriceScope['hypothetical'];
    if (change) {
      requireDay(change.effectiveFrom, 'effectiveFrom');
      let event;
      try {
        event = priceSetEvent({
          provider: change.provider,
          model: change.model,
          prices: change.prices as PriceSheetStrings,
          effectiveFrom: change.effectiveFrom,
          source: 'override',
          ...(change.scope === 'instance' ? {} : { workspaceId }),
        });
      } catch (error) {
        throw new DomainRuleViolation('price.invalid', (error as Error).message.replace(/^Invalid PriceSet: /, ''));
      }
      catalogue = catalogue.withEvents([event]);
      hypothetical = { provider: change.provider, model: change.model, effectiveFrom: change.effectiveFrom };
    }
    const [state] = await this.sql.query<{ current_version: number; based_on: string }>(
      'select current_version, based_on::text from cost_workspaces where workspace_id = $1',
      [workspaceId],
    );
    const scope: RepriceScope = {
      workspaceId,
      before: null,
      basedOn: BigInt(state?.based_on ?? '0'),
      ...(hypothetical ? { hypothetical } : {}),
    };
    let inScope = 0;
    // Summed page by page, inside the database: a preview over a million rows holds its groups,
    // never its rows.
    const perMonthAndModel = new DeltaTotals((group) => [group.month, group.provider, group.model]);
    const perMonth = new DeltaTotals((group) => [group.month]);
    let after: RowKey | null = null;
    for (;;) {
      const from: RowKey | null = after;
      const page: PreviewPage = await withoutJit(this.sql, (tx) => previewRepricedPage(tx, scope, { after: from, limit: PREVIEW_PAGE_ROWS }, catalogue));
      if (page.last === null) break;
      inScope += page.scanned;
      perMonthAndModel.add(page.groups);
      perMonth.add(page.groups);
      after = page.last;
    }
    const closed = new Set(
      (await this.sql.query<{ month: string }>('select month from period_closes where workspace_id = $1', [workspaceId])).map((r) => r.month),
    );
    const unaffectedVariants = change ? await this.unaffectedVariants(workspaceId, change, catalogue.index) : [];
    const byMonthAndModel = perMonthAndModel.groups().map(
      ([[month, provider, model], agg]): CostDeltaRowDto => ({ month, provider, model, ...agg }),
    );
    const byMonth = perMonth.groups().map(([[month], agg]) => ({
      month,
      before: agg.before,
      after: agg.after,
      delta: agg.delta,
      rows: agg.rows,
      closed: closed.has(month),
    }));
    return {
      workspaceId,
      currency: 'USD',
      fromVersion: state?.current_version ?? 1,
      rowsInScope: inScope,
      rowsChanged: byMonth.reduce((n, m) => n + m.rows, 0),
      delta: sum(byMonth.map((m) => m.delta)),
      byMonth,
      byMonthAndModel,
      unaffectedVariants,
    };
  }

  /**
   * The workspace's usage on or after `change.effectiveFrom` recorded under a dated or versioned
   * variant of the changed model that keeps a price of its own (`unaffectedVariant`): one grouped
   * statement over the candidate model ids (those containing the changed id), judged per id.
   * A manual entry with an amount is left out: it costs its amount whatever the price.
   */
  private async unaffectedVariants(
    workspaceId: string,
    change: PriceChangePreview,
    index: CatalogueIndex,
  ): Promise<RecomputePreviewDto['unaffectedVariants']> {
    const groups = await this.sql.query<{ provider: string; model: string; rows: number; estimated: string }>(
      `select provider, model, count(*)::integer as rows, coalesce(sum(estimated), 0)::text as estimated
         from cost_estimates
        where workspace_id = $1 and valid_to is null and day >= $2::date
          and model <> $3 and strpos(lower(model), lower($3)) > 0
          and not (status = 'manual' and price_set_id is null)
        group by provider, model
        order by provider, model`,
      [workspaceId, change.effectiveFrom, change.model],
    );
    const variants = variantIndex(change, index);
    return groups
      .filter((g) => unaffectedVariant(change, g, index, variants))
      .map((g) => ({ provider: g.provider, model: g.model, rows: g.rows, estimated: str(dec(g.estimated)) }));
  }

  private async causes(ids: readonly string[]): Promise<Map<string, CostVersionDto['causes'][number]>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.query<{
      price_set_id: string;
      provider: string;
      model: string;
      effective_from: string;
      set_by: string | null;
      recorded_at: string;
    }>(
      `select price_set_id, provider, model, effective_from::text, set_by,
              to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
         from price_versions where price_set_id in (select jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify([...new Set(ids)])],
    );
    return new Map(
      rows.map((r) => [
        r.price_set_id,
        { priceSetId: r.price_set_id, provider: r.provider, model: r.model, effectiveFrom: r.effective_from, setBy: r.set_by, recordedAt: r.recorded_at },
      ]),
    );
  }
}

interface DeltaRow {
  month: string;
  account_id: string;
  provider: string;
  model: string;
  rows: number;
  before: string;
  after: string;
  delta: string;
  became_unpriced: number;
  became_priced: number;
}

function toDelta(row: DeltaRow): CostDeltaRowDto {
  return {
    month: row.month,
    accountId: row.account_id,
    provider: row.provider,
    model: row.model,
    rows: row.rows,
    before: str(dec(row.before)),
    after: str(dec(row.after)),
    delta: str(dec(row.delta)),
    becameUnpriced: row.became_unpriced,
    becamePriced: row.became_priced,
  };
}

function toVersion(row: VersionRow, causes: Map<string, CostVersionDto['causes'][number]>): CostVersionDto {
  return {
    version: row.version,
    status: row.status,
    recomputeId: row.recompute_id,
    fromVersion: row.from_version,
    causes: row.causes.map(
      (id) => causes.get(id) ?? { priceSetId: id, provider: null, model: null, effectiveFrom: null, setBy: null, recordedAt: null },
    ),
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    activatedAt: row.activated_at,
    rowsChanged: row.rows_changed,
    delta: row.delta === null ? null : str(dec(row.delta)),
  };
}

type Agg = { rows: number; before: string; after: string; delta: string; becameUnpriced: number; becamePriced: number };

/** Rows a preview page reads at a time (one temporary table of this many rows). */
const PREVIEW_PAGE_ROWS = 10_000;

/** Before/after totals of repriced rows per group, added from each page's finer groups. */
class DeltaTotals {
  private readonly totals = new Map<string, { rows: number; before: Decimal; after: Decimal; becameUnpriced: number; becamePriced: number }>();

  constructor(private readonly keyOf: (group: PreviewGroup) => string[]) {}

  add(groups: readonly PreviewGroup[]): void {
    for (const group of groups) {
      const key = JSON.stringify(this.keyOf(group));
      const total = this.totals.get(key) ?? { rows: 0, before: dec('0'), after: dec('0'), becameUnpriced: 0, becamePriced: 0 };
      total.rows += group.rows;
      total.before = total.before.plus(dec(group.before));
      total.after = total.after.plus(dec(group.after));
      total.becameUnpriced += group.becameUnpriced;
      total.becamePriced += group.becamePriced;
      this.totals.set(key, total);
    }
  }

  /** The groups in key order. */
  groups(): [string[], Agg][] {
    return [...this.totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, t]) => [
        JSON.parse(key) as string[],
        {
          rows: t.rows,
          before: str(t.before),
          after: str(t.after),
          delta: str(t.after.minus(t.before)),
          becameUnpriced: t.becameUnpriced,
          becamePriced: t.becamePriced,
        },
      ]);
  }
}

/**
 * Whether usage reported as `usage.provider`/`usage.model` is a dated or versioned variant of the
 * model a price change names (`gpt-4o-mini-2024-07-18`, `gpt-4o-mini-0125`, `gpt-4o-mini-latest`
 * for `gpt-4o-mini`) that the change does not reach, because the id resolves to a catalogue entry
 * of its own. Both questions are answered by the domain's model resolution (`resolveModel`), not by
 * a rule of this module:
 *  - the change reaches usage reported as its own id, or whose id resolves to the changed
 *    identity (`lookupUsagePrice`): such usage is not listed;
 *  - "a variant of" is what resolution would make of the id if the catalogue listed only the
 *    changed model (`variantIndex`): an alias match through a spelling, a `-latest`, date or
 *    version suffix. The reverse — the undated id for a change on a dated one — is never a variant.
 *  - same provider: the usage's provider, reporting the changed id itself, would be priced by it.
 * `variants` is `variantIndex(change, index)`, built once per preview.
 */
export function unaffectedVariant(
  change: { readonly provider: string; readonly model: string },
  usage: { readonly provider: string; readonly model: string },
  index: CatalogueIndex,
  variants: CatalogueIndex = variantIndex(change, index),
): boolean {
  if (usage.model === change.model) return false;
  const own = resolveModel(usage.provider, usage.model, index);
  // Unpriced ids stay unpriced, and an id resolving to the changed identity takes the new price.
  if (!('catalogueKey' in own) || isChanged(change, own)) return false;
  if (usage.provider !== change.provider) {
    const asChanged = resolveModel(usage.provider, change.model, index);
    if (!('catalogueKey' in asChanged) || !isChanged(change, asChanged)) return false;
  }
  const asVariant = resolveModel(usage.provider, usage.model, variants);
  return 'catalogueKey' in asVariant && asVariant.match === 'alias';
}

/**
 * A catalogue index listing only the model a change names: its catalogue entries (every key of
 * that identity), or, for a model the catalogue does not list, the id itself as a key of the
 * change's provider. No newest-snapshot entries: a variant is the changed id with something
 * added, never the base of a dated id.
 */
export function variantIndex(change: { readonly provider: string; readonly model: string }, index: CatalogueIndex): CatalogueIndex {
  const byKey = new Map<string, CatalogueEntry>();
  for (const entry of index.byKey.values()) {
    if (isChanged(change, entry)) byKey.set(entry.key, entry);
  }
  if (byKey.size === 0) {
    const entry: CatalogueEntry = { key: change.model, provider: change.provider, model: change.model, prices: {} };
    byKey.set(change.model, entry);
    byKey.set(`${change.provider}/${change.model}`, { ...entry, key: `${change.provider}/${change.model}` });
  }
  const byLowerKey = new Map<string, string>();
  for (const key of byKey.keys()) if (!byLowerKey.has(key.toLowerCase())) byLowerKey.set(key.toLowerCase(), key);
  return { byKey, byLowerKey, newestSnapshot: new Map() };
}

function isChanged(change: { readonly provider: string; readonly model: string }, identity: { readonly provider: string; readonly model: string }): boolean {
  return identity.provider === change.provider && identity.model === change.model;
}
