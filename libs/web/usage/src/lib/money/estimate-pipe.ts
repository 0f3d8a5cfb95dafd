import { Pipe, PipeTransform } from '@angular/core';
import { formatEstimate } from './money';

/** `{{ row.estimated | estimate: row.counts.unpriced : 'USD' }}` → `$1.20`, `≥ $1.20` or `no price`. */
@Pipe({ name: 'estimate' })
export class EstimatePipe implements PipeTransform {
  transform(value: string | null | undefined, unpriced: number | null | undefined, currency = 'USD'): string {
    return formatEstimate(value, unpriced ?? 0, currency);
  }
}
