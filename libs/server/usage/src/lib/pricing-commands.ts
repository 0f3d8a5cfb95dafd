import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import {
  CATALOGUE_IMPORTED,
  parseLiteLlmCatalogue,
  planCatalogueImport,
  PRICE_SET,
  priceSetEvent,
  type CatalogueImported,
  type PriceSet,
  type PriceSheetStrings,
} from '@act/domain/pricing';
import { IDENTIFIER } from '@act/domain/usage';
import { EventStore, RecordedEvent, WrongExpectedRevisionError } from '@act/server/event-store';
import type { CommandContext, CommandResult } from './cost-commands';

/** Where catalogue PriceSets and the import markers live. */
export const CATALOGUE_STREAM = 'pricing-catalogue';
export const CATALOGUE_IMPORTS_STREAM = 'pricing-catalogue-imports';

/** The stream of one scope's price overrides: `prices-ws.<workspaceId>` or `prices-instance`. */
export function overrideStreamId(workspaceId: string | null): string {
  if (workspaceId === null) return 'prices-instance';
  if (!IDENTIFIER.test(workspaceId)) throw new RangeError(`overrideStreamId: invalid workspaceId "${workspaceId}"`);
  return `prices-ws.${workspaceId}`;
}

const CATALOGUE_FILE = join('libs', 'domain', 'pricing', 'catalogue', 'litellm-model-prices.json');

/**
 * The shipped LiteLLM catalogue, found from the working directory upwards (the repository root
 * in development and tests). A deployment that runs elsewhere passes `path` to `seedCatalogue`.
 */
export function shippedCataloguePath(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, CATALOGUE_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`The price catalogue ${CATALOGUE_FILE} was not found from ${from} upwards; pass its path explicitly.`);
}

export interface SeedCatalogueOptions {
  /** The UTC day today (`YYYY-MM-DD`): a refresh takes effect from it. */
  readonly today: string;
  /** The catalogue file (default: `shippedCataloguePath()`). */
  readonly path?: string;
  /** Or the file's content, already read (tests, a file uploaded by an administrator). */
  readonly content?: string | Uint8Array;
  readonly actor?: string;
}

export interface SeedCatalogueResult {
  /** False when this file was already the latest import: the whole call was one small read. */
  readonly imported: boolean;
  readonly contentHash: string;
  readonly effectiveFrom?: string;
  /** PriceSets appended: new models and changed prices. */
  readonly appended: number;
  readonly unchanged: number;
  /** Catalogue keys the parser skipped (documentation entries, malformed prices). */
  readonly skipped: number;
  readonly priceSetIds: readonly string[];
  /** Position to wait for before reading prices (`?waitFor=`). */
  readonly position: bigint;
  readonly durationMs: number;
}

/**
 * Imports the price catalogue as `PriceSet.v1` events, once per file content. Safe to call at
 * every start-up: when the file's SHA-256 is the latest import's, it costs one read of the
 * small imports stream (a few ms) and appends nothing.
 *
 * Why one `PriceSet` per model rather than a single event carrying the whole sheet: a PriceSet
 * is the unit everything else already speaks — the price book, "which version priced this
 * row" in every estimate and export (`x_PriceVersion`), the history of one model, overrides,
 * and recompute scoping by model. One event per model keeps those uniform and lets a refresh
 * append only the models whose prices moved (usually a few dozen), so only the usage of those
 * models is recomputed. A single `CatalogueImported` event holding the parsed file would be a
 * 1.6 MB event every reader has to load whole, and one that only pointed at the shipped file
 * would make history depend on a file that changes with every refresh: replays would no longer
 * give the same figures. The first import is about 2,900 events, appended in one transaction
 * (measured in the spec: well under a second on PGlite); the `CatalogueImported.v1` marker that
 * follows is what makes later start-ups cheap.
 */
export async function seedCatalogue(store: EventStore, options: SeedCatalogueOptions): Promise<SeedCatalogueResult> {
  const started = Date.now();
  const content = options.content ?? readFileSync(options.path ?? shippedCataloguePath());
  const contentHash = createHash('sha256').update(content).digest('hex');
  for (let attempt = 1; ; attempt++) {
    const imports = await store.readStream(CATALOGUE_IMPORTS_STREAM, { limit: 100_000 });
    const lastImport = lastOf(imports.filter((e) => e.type === CATALOGUE_IMPORTED)) as RecordedEvent<string, CatalogueImported['data']> | undefined;
    if (lastImport?.data.contentHash === contentHash) {
      return {
        imported: false,
        contentHash,
        appended: 0,
        unchanged: 0,
        skipped: 0,
        priceSetIds: [],
        position: lastImport.globalPosition,
        durationMs: Date.now() - started,
      };
    }
    const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
    const parsed = parseLiteLlmCatalogue(JSON.parse(text));
    const existing = await readAll(store, CATALOGUE_STREAM);
    const plan = planCatalogueImport(
      existing.filter((e) => e.type === PRICE_SET).map((e) => ({ id: e.id, type: PRICE_SET, data: e.data }) as PriceSet),
      parsed.entries,
      {
        contentHash,
        today: options.today,
        ...(options.actor ? { importedBy: options.actor } : {}),
        ...(lastImport ? { previousImportId: lastImport.id } : {}),
      },
    );
    const metadata = options.actor ? { actorId: options.actor } : {};
    try {
      let position = 0n;
      if (plan.priceSets.length > 0) {
        const appended = await store.appendToStream(
          CATALOGUE_STREAM,
          plan.priceSets.map((e) => ({ ...e, metadata })),
          { expectedRevision: existing.length > 0 ? existing[existing.length - 1].streamPosition : 'no_stream' },
        );
        position = appended.position;
      }
      // A crash between the two appends is harmless: the next start finds no marker, plans
      // again against the PriceSets now stored, finds nothing changed and appends the marker.
      const marker = await store.appendToStream(CATALOGUE_IMPORTS_STREAM, [{ ...plan.marker, metadata }], {
        expectedRevision: imports.length > 0 ? imports[imports.length - 1].streamPosition : 'no_stream',
      });
      return {
        imported: true,
        contentHash,
        effectiveFrom: plan.marker.data.effectiveFrom,
        appended: plan.priceSets.length,
        unchanged: plan.marker.data.unchanged,
        skipped: parsed.skipped.length,
        priceSetIds: plan.priceSets.map((e) => e.id),
        position: marker.position > position ? marker.position : position,
        durationMs: Date.now() - started,
      };
    } catch (error) {
      // Another process seeded at the same time: look again (it most likely did the work).
      if (error instanceof WrongExpectedRevisionError && attempt < 3) continue;
      throw error;
    }
  }
}

export interface SetPriceInput {
  /** The workspace the override is for; null for an instance-wide override (administrators). */
  readonly workspaceId: string | null;
  readonly provider: string;
  readonly model: string;
  readonly prices: PriceSheetStrings;
  /** First UTC day the prices apply to; a past day reprices usage already recorded (recompute). */
  readonly effectiveFrom: string;
}

/**
 * Price overrides: appends a `PriceSet.v1` (source `override`) to the scope's stream. Setting
 * the prices already in force for that model and day again is a no-op; a correction on the
 * same day names the version it supersedes (so A → B → A is three versions). Invalid input is a
 * `DomainRuleViolation` (`price.invalid`).
 */
export class PricingCommands {
  constructor(private readonly store: EventStore) {}

  async setPrice(input: SetPriceInput, context: CommandContext = {}): Promise<CommandResult & { readonly priceSetId: string }> {
    const streamId = overrideStreamId(input.workspaceId);
    for (let attempt = 1; ; attempt++) {
      const all = await readAll(this.store, streamId);
      const history = all.filter((e) => e.type === PRICE_SET);
      const sameDay = history.filter(
        (e) =>
          (e.data as PriceSet['data']).provider === input.provider &&
          (e.data as PriceSet['data']).model === input.model &&
          (e.data as PriceSet['data']).effectiveFrom === input.effectiveFrom,
      );
      const previous = lastOf(sameDay);
      let event: PriceSet;
      try {
        const candidate = priceSetEvent({
          provider: input.provider,
          model: input.model,
          prices: input.prices,
          effectiveFrom: input.effectiveFrom,
          source: 'override',
          ...(input.workspaceId !== null ? { workspaceId: input.workspaceId } : {}),
          ...(context.actor ? { setBy: context.actor } : {}),
        });
        if (previous && sameJson((previous.data as PriceSet['data']).prices, candidate.data.prices)) {
          return { position: previous.globalPosition, appended: 0, priceSetId: previous.id };
        }
        event = previous ? priceSetEvent({ ...candidate.data, supersedes: previous.id }) : candidate;
      } catch (error) {
        throw new DomainRuleViolation('price.invalid', (error as Error).message.replace(/^Invalid PriceSet: /, ''));
      }
      const last = lastOf(all)?.streamPosition;
      try {
        const result = await this.store.appendToStream(
          streamId,
          [{ ...event, metadata: context.actor ? { actorId: context.actor } : {} }],
          { expectedRevision: last ?? 'no_stream' },
        );
        return { position: result.position, appended: result.appended, priceSetId: event.id };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < 5) continue;
        throw error;
      }
    }
  }
}

async function readAll(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  const page = 10_000;
  for (;;) {
    const batch = await store.readStream(streamId, { fromRevision: BigInt(events.length), limit: page });
    events.push(...batch);
    if (batch.length < page) return events;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function lastOf<T>(items: readonly T[]): T | undefined {
  return items[items.length - 1];
}
