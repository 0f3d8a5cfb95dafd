import type { PriceSheetDto, PriceVersionDto, SetPriceRequestDto } from '@act/contracts';
import { perToken } from '../money/money';

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
