import { Pipe, PipeTransform } from '@angular/core';
import { formatMoney, formatSignedMoney } from './money';

/** `{{ '12.5' | money: 'USD' }}` → `$12.50`; `{{ diff | money: 'USD' : 'signed' }}` → `+$1.20`. */
@Pipe({ name: 'money' })
export class MoneyPipe implements PipeTransform {
  transform(value: string | null | undefined, currency = 'USD', mode: 'plain' | 'signed' = 'plain'): string {
    return mode === 'signed' ? formatSignedMoney(value, currency) : formatMoney(value, currency);
  }
}
