import type { ChipTone } from '@act/web/identity';
import type { BudgetDto, BudgetScopeKind, CreateBudgetRequest } from '../data-access/budget-types';
import { formatMoney, parseAmount } from './money';

export const DEFAULT_THRESHOLDS: readonly number[] = [50, 80, 100];

export interface BudgetBarView {
  spent: string;
  amount: string;
  percent: string;
  /** 0–100 for the bar; the percentage itself may be above 100. */
  fill: number;
  /** The thresholds already reached, as `80%`. */
  passed: string[];
  /** success below the first threshold, warning once one is passed, error at 100% and above. */
  tone: ChipTone;
}

export function budgetBar(budget: BudgetDto): BudgetBarView {
  const passed = budget.thresholds.filter((threshold) => budget.percentUsed >= threshold).sort((a, b) => a - b);
  const tone: ChipTone = budget.percentUsed >= 100 ? 'error' : passed.length > 0 ? 'warning' : 'success';
  return {
    spent: formatMoney(budget.spent, budget.currency),
    amount: formatMoney(budget.amount, budget.currency),
    percent: `${budget.percentUsed.toFixed(1)}%`,
    fill: Math.max(0, Math.min(100, budget.percentUsed)),
    passed: passed.map((threshold) => `${threshold}%`),
    tone,
  };
}

/** `"50, 80,100"` → `[50, 80, 100]` (sorted, without repeats), or null when not 1–10 whole percentages from 1 to 1000. */
export function parseThresholds(text: string): number[] | null {
  const parts = text
    .split(/[\s,;]+/)
    .map((part) => part.replace(/%$/, ''))
    .filter((part) => part.length > 0);
  if (parts.length === 0 || parts.length > 10 || parts.some((part) => !/^\d{1,4}$/.test(part))) return null;
  const values = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  return values.every((value) => value >= 1 && value <= 1000) ? values : null;
}

export interface BudgetFormValue {
  name: string;
  scopeKind: BudgetScopeKind;
  scopeKey: string;
  amount: string;
  thresholds: string;
}

/** The form as the create request, or the message that says what to fix. */
export function budgetRequest(value: BudgetFormValue): { request: CreateBudgetRequest } | { problem: string } {
  const amount = parseAmount(value.amount);
  if (amount === null) return { problem: 'Enter the monthly amount in USD, like 500 or 1250.50.' };
  const thresholds = parseThresholds(value.thresholds);
  if (thresholds === null) return { problem: 'Thresholds are whole percentages separated by commas, like 50, 80, 100.' };
  const key = value.scopeKey.trim();
  if (value.scopeKind !== 'workspace' && key.length === 0) return { problem: `Choose the ${value.scopeKind} this budget is for.` };
  const name = value.name.trim();
  return {
    request: {
      ...(name ? { name } : {}),
      scope: { kind: value.scopeKind, ...(value.scopeKind === 'workspace' ? {} : { key }) },
      amount,
      thresholds,
    },
  };
}

/** The budget the overview's forecast is drawn against: the whole workspace's, if there is one. */
export function workspaceBudget<T extends { scope: { kind: string } }>(budgets: readonly T[]): T | null {
  return budgets.find((budget) => budget.scope.kind === 'workspace') ?? null;
}
