import { Injectable, inject } from '@angular/core';
import type { AccountDto } from '@act/contracts';
import { AccountsApi } from '@act/web/identity';
import { Observable } from 'rxjs';
import { listAll } from '../http/list-all';

/** The workspace's accounts, for naming account ids in reports. */
@Injectable({ providedIn: 'root' })
export class AccountDirectory {
  private readonly api = inject(AccountsApi);

  list(workspaceId: string): Observable<AccountDto[]> {
    return listAll((cursor) => this.api.list(workspaceId, cursor));
  }
}

export function accountNames(accounts: readonly AccountDto[] | undefined): Map<string, AccountDto> {
  return new Map((accounts ?? []).map((account) => [account.id, account]));
}
