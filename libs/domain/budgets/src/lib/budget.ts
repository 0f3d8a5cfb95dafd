import Decimal from 'decimal.js';
import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';

/** What a budget counts: the whole workspace, or one provider, account, model or project of it. */
export const BUDGET_SCOPE_KINDS = ['workspace', 'provider', 'account', 'model', 'project'] as const;
export type BudgetScopeKind = (typeof BUDGET_SCOPE_KINDS)[number];

/**
 * `key` names the provider (`openai`), the account id, the model as `provider/model`
 * (`openai/gpt-4o`, the key of the usage API's `groupBy=model`) or the project; null for the
 * workspace.
 */
export interface BudgetScope {
  readonly kind: BudgetScopeKind;
  readonly key: string | null;
}

export const DEFAULT_THRESHOLDS: readonly number[] = [50, 80, 100];
export const MAX_THRESHOLDS = 10;
export const MAX_BUDGETS_PER_WORKSPACE = 200;
export const ANOMALY_SENSITIVITIES = ['low', 'medium', 'high'] as const;
/** The anomaly detector's sensitivity: a named level or the score threshold itself. */
export type AnomalySensitivity = (typeof ANOMALY_SENSITIVITIES)[number] | number;

export interface Budget {
  readonly budgetId: string;
  readonly name: string;
  readonly scope: BudgetScope;
  /** Monthly amount in USD, normalized decimal text ("500", "12.5"). */
  readonly amount: string;
  /** Percentages of the amount, ascending, each raising its own alert. */
  readonly thresholds: readonly number[];
}

/**
 * When a prepaid credit balance (OpenRouter's) counts as low: its remaining credit is below the larger of
 * `percent`% of the total credits purchased and `amount` USD. `percent` 0 and `amount` "0" leave only the
 * overdrawn alert (remaining at or below zero).
 */
export interface LowCreditSettings {
  /** A whole percentage of the total credits purchased, 0 to 100. */
  readonly percent: number;
  /** USD, normalized decimal text, 0 or more ("5", "12.5"). */
  readonly amount: string;
}

/**
 * Default low-credit threshold: the larger of 10% of the credits purchased and $5. The percentage scales
 * with how the account is used (an account topped up with $1,000 at a time is warned with $100 left, which is
 * still days of use, not minutes); the $5 floor keeps small accounts from being warned only with cents left
 * (10% of a $20 top-up is $2, often less than a day of use). Either part alone would be wrong for one of the
 * two: a fixed $5 is nothing for a big account, a bare 10% next to nothing for a small one.
 */
export const DEFAULT_LOW_CREDIT: LowCreditSettings = { percent: 10, amount: '5' };

export interface AlertSettings {
  readonly anomalySensitivity: AnomalySensitivity;
  readonly lowCredit: LowCreditSettings;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { anomalySensitivity: 'medium', lowCredit: DEFAULT_LOW_CREDIT };

/**
 * A workspace's budgets and alert settings, one stream per workspace (`budgets-<workspaceId>`):
 * budgets are few per workspace, and one stream makes "one budget per scope" a decision on
 * one state.
 */
export type BudgetEvent =
  | DomainEvent<'BudgetDefined', { workspaceId: string; budgetId: string; name: string; scope: BudgetScope; amount: string; currency: 'USD'; thresholds: number[] }>
  | DomainEvent<'BudgetChanged', { workspaceId: string; budgetId: string; name?: string; amount?: string; thresholds?: number[] }>
  | DomainEvent<'BudgetRemoved', { workspaceId: string; budgetId: string }>
  /** Carries the whole settings; events written before low-credit settings existed have no `lowCredit` (the default). */
  | DomainEvent<'AlertSettingsChanged', { workspaceId: string; anomalySensitivity: AnomalySensitivity; lowCredit?: LowCreditSettings }>;

export const BUDGET_EVENT_TYPES = ['BudgetDefined', 'BudgetChanged', 'BudgetRemoved', 'AlertSettingsChanged'] as const satisfies readonly BudgetEvent['type'][];

export type BudgetCommand =
  | Command<'DefineBudget', { workspaceId: string; budgetId: string; name?: string; scope: BudgetScope; amount: string; thresholds?: readonly number[] }>
  | Command<'ChangeBudget', { workspaceId: string; budgetId: string; name?: string; amount?: string; thresholds?: readonly number[] }>
  | Command<'RemoveBudget', { workspaceId: string; budgetId: string }>
  /** Only what is given changes; the rest stays as it is. */
  | Command<'ChangeAlertSettings', { workspaceId: string; anomalySensitivity?: AnomalySensitivity; lowCredit?: Partial<LowCreditSettings> }>;

export interface BudgetsState {
  readonly workspaceId: string | null;
  /** Active budgets by id. */
  readonly budgets: ReadonlyMap<string, Budget>;
  /** Ids of removed budgets: never reused. */
  readonly removed: ReadonlySet<string>;
  readonly settings: AlertSettings;
}

export function budgetsStreamId(workspaceId: string): string {
  return `budgets-${workspaceId}`;
}

const MONEY = /^\d{1,12}(\.\d{1,6})?$/;

/** A budget amount: decimal text in USD, above 0, at most 12 digits before and 6 after the point. */
export function checkAmount(raw: string): string {
  const text = String(raw ?? '').trim();
  if (!MONEY.test(text) || new Decimal(text).lte(0)) {
    throw new DomainRuleViolation('budget.amount', `The amount must be a decimal amount in USD above 0, like "500.00" (got "${text.slice(0, 40)}").`);
  }
  const value = new Decimal(text);
  return value.toFixed();
}

/** Percentages of the amount: 1 to 10 whole numbers from 1 to 1000, each once; returned ascending. */
export function checkThresholds(raw: readonly number[] | undefined): number[] {
  const list = raw === undefined ? [...DEFAULT_THRESHOLDS] : [...raw];
  if (list.length === 0 || list.length > MAX_THRESHOLDS) {
    throw new DomainRuleViolation('budget.thresholds', `A budget needs 1 to ${MAX_THRESHOLDS} thresholds (percentages of its amount), got ${list.length}.`);
  }
  for (const t of list) {
    if (!Number.isInteger(t) || t < 1 || t > 1000) {
      throw new DomainRuleViolation('budget.thresholds', `Thresholds are whole percentages from 1 to 1000, like 50, 80, 100 (got ${String(t)}).`);
    }
  }
  if (new Set(list).size !== list.length) throw new DomainRuleViolation('budget.thresholds', 'Each threshold may be listed once.');
  return list.sort((a, b) => a - b);
}

export function checkScope(scope: BudgetScope): BudgetScope {
  if (!(BUDGET_SCOPE_KINDS as readonly string[]).includes(scope?.kind)) {
    throw new DomainRuleViolation('budget.scope', `scope.kind must be one of ${BUDGET_SCOPE_KINDS.join(', ')}.`);
  }
  const key = typeof scope.key === 'string' ? scope.key.trim() : null;
  if (scope.kind === 'workspace') {
    if (key) throw new DomainRuleViolation('budget.scope', 'A workspace budget counts the whole workspace: leave scope.key out.');
    return { kind: 'workspace', key: null };
  }
  if (!key) throw new DomainRuleViolation('budget.scope', `A ${scope.kind} budget needs scope.key: the ${scopeKeyName(scope.kind)}.`);
  if (key.length > 300) throw new DomainRuleViolation('budget.scope', 'scope.key is too long (at most 300 characters).');
  if (scope.kind === 'model' && !/^[^/\s]+\/\S+$/.test(key)) {
    throw new DomainRuleViolation('budget.scope', `A model budget's key is "provider/model", like "openai/gpt-4o" (got "${key.slice(0, 80)}").`);
  }
  return { kind: scope.kind, key };
}

function scopeKeyName(kind: BudgetScopeKind): string {
  switch (kind) {
    case 'provider':
      return 'provider id, like "openai"';
    case 'account':
      return 'account id';
    case 'model':
      return 'model as "provider/model", like "openai/gpt-4o"';
    case 'project':
      return 'project name';
    default:
      return 'key';
  }
}

export function defaultBudgetName(scope: BudgetScope): string {
  return scope.kind === 'workspace' ? 'Workspace' : `${scope.kind[0].toUpperCase()}${scope.kind.slice(1)} ${scope.key}`;
}

function checkName(raw: string | undefined, scope: BudgetScope): string {
  const name = (raw ?? '').trim() || defaultBudgetName(scope);
  if (name.length > 100) throw new DomainRuleViolation('budget.name', 'The name may have at most 100 characters.');
  return name;
}

export function checkSensitivity(value: AnomalySensitivity): AnomalySensitivity {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 1 || value > 20) {
      throw new DomainRuleViolation('alert-settings.sensitivity', 'A numeric sensitivity is the score threshold, from 1 to 20 (high is 2.5, medium 3.5, low 5).');
    }
    return value;
  }
  if (!(ANOMALY_SENSITIVITIES as readonly string[]).includes(value)) {
    throw new DomainRuleViolation('alert-settings.sensitivity', `anomalySensitivity must be low, medium, high or a number from 1 to 20.`);
  }
  return value;
}

const LOW_CREDIT_AMOUNT = /^\d{1,12}(\.\d{1,6})?$/;

/** Low-credit settings: a whole percentage from 0 to 100 and a USD amount of 0 or more (at most 12 digits before and 6 after the point). */
export function checkLowCredit(value: LowCreditSettings): LowCreditSettings {
  const { percent } = value;
  if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new DomainRuleViolation('alert-settings.low-credit', `lowCredit.percent is a whole percentage of the credits purchased, from 0 to 100 (got ${String(percent).slice(0, 40)}).`);
  }
  const text = String(value.amount ?? '').trim();
  if (!LOW_CREDIT_AMOUNT.test(text)) {
    throw new DomainRuleViolation('alert-settings.low-credit', `lowCredit.amount is an amount in USD of 0 or more, like "5.00" (got "${text.slice(0, 40)}").`);
  }
  return { percent, amount: new Decimal(text).toFixed() };
}

const sameScope = (a: BudgetScope, b: BudgetScope) => a.kind === b.kind && (a.key ?? '') === (b.key ?? '');

function requireBudget(state: BudgetsState, budgetId: string): Budget {
  const budget = state.budgets.get(budgetId);
  if (!budget) throw new DomainRuleViolation('budget.not-found', 'No such budget in this workspace.', 'not-found');
  return budget;
}

export const budgetsDecider: Decider<BudgetCommand, BudgetEvent, BudgetsState> = {
  initialState: () => ({ workspaceId: null, budgets: new Map(), removed: new Set(), settings: DEFAULT_ALERT_SETTINGS }),

  evolve(state, event) {
    switch (event.type) {
      case 'BudgetDefined': {
        const { budgetId, name, scope, amount, thresholds } = event.data;
        const budgets = new Map(state.budgets);
        budgets.set(budgetId, { budgetId, name, scope, amount, thresholds });
        return { ...state, workspaceId: event.data.workspaceId, budgets };
      }
      case 'BudgetChanged': {
        const before = state.budgets.get(event.data.budgetId);
        if (!before) return state;
        const budgets = new Map(state.budgets);
        budgets.set(before.budgetId, {
          ...before,
          ...(event.data.name !== undefined ? { name: event.data.name } : {}),
          ...(event.data.amount !== undefined ? { amount: event.data.amount } : {}),
          ...(event.data.thresholds !== undefined ? { thresholds: event.data.thresholds } : {}),
        });
        return { ...state, budgets };
      }
      case 'BudgetRemoved': {
        const budgets = new Map(state.budgets);
        budgets.delete(event.data.budgetId);
        return { ...state, budgets, removed: new Set([...state.removed, event.data.budgetId]) };
      }
      case 'AlertSettingsChanged':
        return {
          ...state,
          workspaceId: event.data.workspaceId,
          settings: { anomalySensitivity: event.data.anomalySensitivity, lowCredit: event.data.lowCredit ?? DEFAULT_LOW_CREDIT },
        };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'DefineBudget': {
        const { workspaceId, budgetId } = command.data;
        if (state.budgets.has(budgetId) || state.removed.has(budgetId)) {
          throw new DomainRuleViolation('budget.exists', 'A budget with this id exists already.', 'conflict');
        }
        const scope = checkScope(command.data.scope);
        const clash = [...state.budgets.values()].find((b) => sameScope(b.scope, scope));
        if (clash) {
          throw new DomainRuleViolation('budget.scope-taken', `"${clash.name}" already budgets this ${scope.kind}: change its amount or thresholds instead.`, 'conflict');
        }
        if (state.budgets.size >= MAX_BUDGETS_PER_WORKSPACE) {
          throw new DomainRuleViolation('budget.too-many', `A workspace may have at most ${MAX_BUDGETS_PER_WORKSPACE} budgets.`);
        }
        return [
          {
            type: 'BudgetDefined',
            data: {
              workspaceId,
              budgetId,
              name: checkName(command.data.name, scope),
              scope,
              amount: checkAmount(command.data.amount),
              currency: 'USD',
              thresholds: checkThresholds(command.data.thresholds),
            },
          },
        ];
      }
      case 'ChangeBudget': {
        const budget = requireBudget(state, command.data.budgetId);
        const change: { name?: string; amount?: string; thresholds?: number[] } = {};
        if (command.data.name !== undefined) {
          const name = checkName(command.data.name, budget.scope);
          if (name !== budget.name) change.name = name;
        }
        if (command.data.amount !== undefined) {
          const amount = checkAmount(command.data.amount);
          if (amount !== budget.amount) change.amount = amount;
        }
        if (command.data.thresholds !== undefined) {
          const thresholds = checkThresholds(command.data.thresholds);
          if (thresholds.join(',') !== budget.thresholds.join(',')) change.thresholds = thresholds;
        }
        if (Object.keys(change).length === 0) return [];
        return [{ type: 'BudgetChanged', data: { workspaceId: command.data.workspaceId, budgetId: budget.budgetId, ...change } }];
      }
      case 'RemoveBudget': {
        if (state.removed.has(command.data.budgetId)) return [];
        const budget = requireBudget(state, command.data.budgetId);
        return [{ type: 'BudgetRemoved', data: { workspaceId: command.data.workspaceId, budgetId: budget.budgetId } }];
      }
      case 'ChangeAlertSettings': {
        const { anomalySensitivity: sensitivity, lowCredit: credit } = command.data;
        if (sensitivity === undefined && credit === undefined) {
          throw new DomainRuleViolation('alert-settings.empty', 'Give anomalySensitivity, lowCredit or both.');
        }
        const anomalySensitivity = sensitivity === undefined ? state.settings.anomalySensitivity : checkSensitivity(sensitivity);
        const lowCredit =
          credit === undefined
            ? state.settings.lowCredit
            : checkLowCredit({ percent: credit.percent ?? state.settings.lowCredit.percent, amount: credit.amount ?? state.settings.lowCredit.amount });
        const unchanged =
          anomalySensitivity === state.settings.anomalySensitivity &&
          lowCredit.percent === state.settings.lowCredit.percent &&
          lowCredit.amount === state.settings.lowCredit.amount;
        if (state.workspaceId !== null && unchanged) return [];
        return [{ type: 'AlertSettingsChanged', data: { workspaceId: command.data.workspaceId, anomalySensitivity, lowCredit } }];
      }
    }
  },
};
