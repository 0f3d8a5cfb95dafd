import { Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { AccountsApi, IDENTITY_UI, describeError } from '@act/web/identity';
import { firstValueFrom, map } from 'rxjs';
import { BudgetsApi } from '../data-access/budgets-api';
import { BUDGET_SCOPE_KINDS, type BudgetDto, type BudgetScopeKind } from '../data-access/budget-types';
import { BudgetBars } from '../ui/budget-bars';
import { DEFAULT_THRESHOLDS, budgetRequest } from '../ui/budget-model';
import { SCOPE_KEY_HINTS, SCOPE_LABELS } from '../ui/labels';

/** Monthly budgets: this month's spend against each, and (for those who may) define, change, remove. */
@Component({
  selector: 'act-budgets-section',
  imports: [BudgetBars, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, ReactiveFormsModule],
  template: `
    <mat-card appearance="outlined" class="panel" data-testid="budgets-section">
      <mat-card-header>
        <mat-card-title><h2>Budgets</h2></mat-card-title>
        <mat-card-subtitle>Monthly, in USD; alerts at each threshold of the amount.</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        @if (budgets.isLoading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading budgets" />
        }
        @if (budgets.error(); as error) {
          <p class="error" role="alert" data-testid="budgets-error">{{ describe(error, 'The budgets could not be loaded.') }}</p>
        }
        @if (budgets.hasValue()) {
          <act-budget-bars [budgets]="budgets.value()" />
          @if (canManage() && budgets.value().length > 0) {
            <ul class="budget-actions">
              @for (budget of budgets.value(); track budget.id) {
                <li data-testid="budget-row" [attr.data-budget-id]="budget.id">
                  <span>{{ budget.name }} · {{ budget.scope.label }} · thresholds {{ budget.thresholds.join(', ') }}%</span>
                  <span class="row-actions">
                    <button matButton type="button" data-testid="budget-edit" (click)="edit(budget)">Edit</button>
                    <button matButton type="button" data-testid="budget-delete" (click)="remove(budget)">Delete</button>
                  </span>
                </li>
              }
            </ul>
          }
        }
        @if (actionError(); as message) {
          <p class="error" role="alert" data-testid="budget-action-error">{{ message }}</p>
        }

        @if (canManage()) {
          @if (editing() === null) {
            <button matButton="tonal" type="button" data-testid="budget-new" (click)="startNew()">New budget</button>
          } @else {
            <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="form" data-testid="budget-form">
              <h3>{{ editing() === 'new' ? 'New budget' : 'Change budget' }}</h3>
              <div class="fields">
                <mat-form-field appearance="outline">
                  <mat-label>Scope</mat-label>
                  <select matNativeControl formControlName="scopeKind" data-testid="budget-scope-kind">
                    @for (kind of scopeKinds; track kind) {
                      <option [value]="kind">{{ scopeLabels[kind] }}</option>
                    }
                  </select>
                </mat-form-field>
                @if (scopeKind() === 'account') {
                  <mat-form-field appearance="outline">
                    <mat-label>Account</mat-label>
                    <select matNativeControl formControlName="scopeKey" data-testid="budget-scope-key">
                      <option value="">Choose an account</option>
                      @for (account of accounts(); track account.id) {
                        <option [value]="account.id">{{ account.displayName }}</option>
                      }
                    </select>
                  </mat-form-field>
                } @else if (scopeKind() !== 'workspace') {
                  <mat-form-field appearance="outline">
                    <mat-label>{{ scopeLabels[scopeKind()] }}</mat-label>
                    <input matInput formControlName="scopeKey" data-testid="budget-scope-key" />
                    <mat-hint>{{ keyHints[scopeKind()] }}</mat-hint>
                  </mat-form-field>
                }
                <mat-form-field appearance="outline">
                  <mat-label>Name</mat-label>
                  <input matInput formControlName="name" data-testid="budget-name" placeholder="Named after the scope" />
                </mat-form-field>
                <mat-form-field appearance="outline">
                  <mat-label>Monthly amount (USD)</mat-label>
                  <input matInput formControlName="amount" inputmode="decimal" data-testid="budget-amount" placeholder="500.00" />
                </mat-form-field>
                <mat-form-field appearance="outline">
                  <mat-label>Thresholds (%)</mat-label>
                  <input matInput formControlName="thresholds" data-testid="budget-thresholds" />
                  <mat-hint>Alerts at these percentages of the amount</mat-hint>
                </mat-form-field>
              </div>
              @if (formError(); as message) {
                <p class="error" role="alert" data-testid="budget-form-error">{{ message }}</p>
              }
              <div class="actions">
                <button matButton type="button" data-testid="budget-cancel" (click)="cancel()">Cancel</button>
                <button matButton="filled" type="submit" data-testid="budget-save" [disabled]="saving()">
                  {{ editing() === 'new' ? 'Create budget' : 'Save' }}
                </button>
              </div>
            </form>
          }
        }
      </mat-card-content>
    </mat-card>
  `,
  styleUrls: ['../../../../usage/src/lib/ui/page.css', './budgets-page.css'],
})
export class BudgetsSection {
  readonly workspaceId = input.required<string>();
  readonly canManage = input(false);

  private readonly api = inject(BudgetsApi);
  private readonly accountsApi = inject(AccountsApi);
  private readonly dialog = inject(MatDialog);

  protected readonly scopeKinds = BUDGET_SCOPE_KINDS;
  protected readonly scopeLabels = SCOPE_LABELS;
  protected readonly keyHints = SCOPE_KEY_HINTS;

  protected readonly budgets = rxResource({
    params: () => this.workspaceId(),
    stream: ({ params: ws }) => this.api.budgets(ws).pipe(map((page) => page.items)),
  });

  private readonly accountList = rxResource({
    params: () => (this.canManage() && this.scopeKind() === 'account' ? this.workspaceId() : undefined),
    stream: ({ params: ws }) => this.accountsApi.list(ws).pipe(map((page) => page.items)),
  });
  protected readonly accounts = computed(() => (this.accountList.hasValue() ? this.accountList.value() : []));

  protected readonly form = new FormGroup({
    scopeKind: new FormControl<BudgetScopeKind>('workspace', { nonNullable: true }),
    scopeKey: new FormControl('', { nonNullable: true }),
    name: new FormControl('', { nonNullable: true }),
    amount: new FormControl('', { nonNullable: true }),
    thresholds: new FormControl(DEFAULT_THRESHOLDS.join(', '), { nonNullable: true }),
  });
  protected readonly scopeKind = signal<BudgetScopeKind>('workspace');
  /** null: no form; 'new'; or the budget being changed. */
  protected readonly editing = signal<'new' | BudgetDto | null>(null);
  protected readonly saving = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);

  constructor() {
    this.form.controls.scopeKind.valueChanges.subscribe((kind) => {
      this.scopeKind.set(kind);
      this.form.controls.scopeKey.setValue('');
    });
  }

  protected describe(error: unknown, fallback: string): string {
    return describeError(error, fallback);
  }

  /** Reads the budgets (and their spend) again. */
  reload(): void {
    this.budgets.reload();
  }

  protected startNew(): void {
    this.form.reset();
    this.form.enable();
    this.scopeKind.set('workspace');
    this.formError.set(null);
    this.editing.set('new');
  }

  protected edit(budget: BudgetDto): void {
    this.form.setValue({
      scopeKind: budget.scope.kind,
      scopeKey: budget.scope.key ?? '',
      name: budget.name,
      amount: budget.amount,
      thresholds: budget.thresholds.join(', '),
    });
    this.scopeKind.set(budget.scope.kind);
    // The scope is what the budget is; changing it is a new budget.
    this.form.controls.scopeKind.disable();
    this.form.controls.scopeKey.disable();
    this.formError.set(null);
    this.editing.set(budget);
  }

  protected cancel(): void {
    this.editing.set(null);
    this.formError.set(null);
  }

  protected async submit(): Promise<void> {
    const editing = this.editing();
    if (editing === null || this.saving()) return;
    const parsed = budgetRequest(this.form.getRawValue());
    if ('problem' in parsed) {
      this.formError.set(parsed.problem);
      return;
    }
    this.saving.set(true);
    this.formError.set(null);
    try {
      const ws = this.workspaceId();
      if (editing === 'new') {
        await firstValueFrom(this.api.createBudget(ws, parsed.request));
      } else {
        const { name, amount, thresholds } = parsed.request;
        await firstValueFrom(this.api.updateBudget(ws, editing.id, { name: name ?? editing.name, amount, thresholds }));
      }
      this.editing.set(null);
      // The next GET carries ?waitFor= (read-your-writes), so the list includes the write.
      this.budgets.reload();
    } catch (error) {
      this.formError.set(describeError(error, 'The budget could not be saved.'));
    } finally {
      this.saving.set(false);
    }
  }

  protected async remove(budget: BudgetDto): Promise<void> {
    const { confirmAction } = await IDENTITY_UI();
    const yes = await confirmAction(this.dialog, {
      title: 'Delete budget',
      message: `Delete "${budget.name}"? Its open alerts resolve at the next evaluation.`,
      confirmLabel: 'Delete',
      destructive: true,
    });
    if (!yes) return;
    this.actionError.set(null);
    try {
      await firstValueFrom(this.api.removeBudget(this.workspaceId(), budget.id));
      this.budgets.reload();
    } catch (error) {
      this.actionError.set(describeError(error, 'The budget could not be deleted.'));
    }
  }
}
