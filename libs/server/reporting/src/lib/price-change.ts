import type { PriceSheetDto } from '@act/contracts';
import { RequestValidationError } from '@act/server/platform';
import type { PriceChangePreview } from '@act/server/usage';
import type { PriceChangeBody, PriceSheetBody } from './dto/queries';

/**
 * A validated body as the usage ledger takes it: class instances turned into plain data (the
 * price sheet is stored in an event, and its JSON must not depend on how it was parsed), and
 * classes that were not sent left out rather than set to undefined.
 */
export function toPriceChange(body: Pick<PriceChangeBody, 'provider' | 'model' | 'prices' | 'effectiveFrom' | 'scope'>): PriceChangePreview {
  return {
    provider: body.provider,
    model: body.model,
    prices: plainSheet(body.prices),
    effectiveFrom: body.effectiveFrom,
    ...(body.scope ? { scope: body.scope } : {}),
  };
}

function plainSheet(sheet: PriceSheetBody): PriceSheetDto {
  const plain = JSON.parse(JSON.stringify(sheet)) as PriceSheetDto;
  // An override without a single price would make the model unpriced from that day on: almost surely a slip.
  if (!JSON.stringify(plain).match(/"\d/)) {
    throw new RequestValidationError([{ path: 'prices', message: 'prices must name at least one price, e.g. {"input": "0.00000015"}' }]);
  }
  return plain;
}
