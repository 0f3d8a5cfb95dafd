import type { PriceSheetDto, PriceVersionDto, RecomputePreviewDto, SetPriceRequestDto } from '@act/contracts';
import { formatMoney, perToken } from '../money/money';

/** The token classes the override form edits, with their labels. */
export const PRICE_CLASSES = [
  { key: 'input', label: 'Input' },
  { key: 'output', label: 'Output' },
  { key: 'cacheRead', label: 'Cached input' },
  { key: 'cacheWrite5m', label: 'Cache write 5 min' },
  { key: 'cacheWrite1h', label: 'Cache write 1 h' },
  { key: 'reasoning', label: 'Reasoning' },
] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number]['key'];

export interface OverrideFormValue {
  provider: string;
  model: string;
  effectiveFrom: string;
  /** Per million tokens, as typed. */
  prices: Partial<Record<PriceClass, string>>;
}

export const PRICE_PATTERN = /^\d{1,9}(\.\d{1,12})?$/;

/**
 * The request for a form: prices typed per million tokens become the per-token decimal strings
 * the API stores (exact division, no float). A class left empty is absent (no known price), never 0.
 */
export function overrideRequest(value: OverrideFormValue): SetPriceRequestDto {
  const prices: PriceSheetDto = {};
  for (const { key } of PRICE_CLASSES) {
    const typed = value.prices[key]?.trim();
    if (!typed) continue;
    const converted = perToken(typed);
    if (converted !== null) prices[key] = converted;
  }
  return { provider: value.provider.trim(), model: value.model.trim(), effectiveFrom: value.effectiveFrom, prices };
}

export function sourceLabel(version: Pick<PriceVersionDto, 'source' | 'scope'>): string {
  if (version.scope === 'workspace') return 'Workspace override';
  if (version.scope === 'instance') return 'Instance override';
  return 'Catalogue';
}

/**
 * What a preview says about usage recorded under a dated or versioned id of the model (its own
 * catalogue price, which the change does not reach): "Usage recorded as gpt-4o-mini-2024-07-18
 * (92 rows, $12.34) keeps its own price: set the price on that model too." Null when there is none.
 */
export function unaffectedVariantsNotice(
  variants: RecomputePreviewDto['unaffectedVariants'] | undefined,
  currency = 'USD',
): string | null {
  if (!variants || variants.length === 0) return null;
  const named = variants.map(
    (v) => `${v.model} (${v.rows} ${v.rows === 1 ? 'row' : 'rows'}, ${formatMoney(v.estimated, currency)})`,
  );
  const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
  return named.length === 1
    ? `Usage recorded as ${list} keeps its own price: set the price on that model too.`
    : `Usage recorded as ${list} keeps those models' own prices: set the price on those models too.`;
}
