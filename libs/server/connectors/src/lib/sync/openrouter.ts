import { LedgerDecimal, parseAmount } from '@act/domain/usage';
import { openrouterProbe } from '../connection-test/openrouter';
import { field } from '../connection-test/verdict';
import { addDays, dayOfMs, isDay } from './days';
import { ShapeProblem, ShapeReader, toRawJson } from './provider-json';
import { SyncError } from './sync-error';
import { SyncRun } from './sync-run';
import type {
  SyncAccount,
  SyncConnector,
  SyncConnectorOptions,
  SyncRange,
  SyncResult,
  SyncRunOptions,
} from './types';

/**
 * OpenRouter: `GET /api/v1/activity` (Management key) gives one row per (UTC day, model, serving endpoint) for
 * the last 30 completed days, no pagination; `usage` is the USD charged. `GET /api/v1/credits` is the balance.
 */
export const OPENROUTER_ACTIVITY_DAYS = 30;

export interface OpenRouterCredits {
  /** USD decimal strings, exact. */
  totalCredits: string;
  totalUsage: string;
  /** `totalCredits − totalUsage`; negative when the account is overdrawn. */
  remaining: string;
  currency: 'USD';
  observedAt: string;
}

export class OpenRouterSyncConnector implements SyncConnector {
  readonly provider = 'openrouter' as const;

  constructor(
    private readonly account: SyncAccount,
    private readonly options: SyncConnectorOptions = {},
  ) {}

  /**
   * Days of the range older than 30 completed days, and today, cannot be read (OpenRouter does not serve them):
   * they are left out of `days` and named in an `unavailable_days` warning.
   */
  async sync(range: SyncRange, run: SyncRunOptions = {}): Promise<SyncResult> {
    const state = this.start(range, run, 1);
    if (state.empty) return state.finish();
    const today = dayOfMs(state.now.getTime());
    const oldest = addDays(today, -OPENROUTER_ACTIVITY_DAYS);
    const served = state.days.filter((day) => day >= oldest && day < today);
    const unavailable = state.days.filter((day) => day < oldest || day >= today);
    if (unavailable.length > 0) {
      state.warn({
        code: 'unavailable_days',
        message: `OpenRouter only reports the last ${OPENROUTER_ACTIVITY_DAYS} completed UTC days; ${describeDays(unavailable)} could not be read.`,
      });
    }
    if (served.length === 0) return state.finish();
    await state.readOnce('activity', '/activity', [], (page, url) => {
      let rows = 0;
      const days = new Set<string>();
      for (const day of served) state.markAnswered(day);
      for (const row of page.objects('data')) {
        const day = row.string('date');
        if (!isDay(day)) row.fail('date', `should be a UTC day written YYYY-MM-DD; got ${JSON.stringify(day)}`);
        rows += 1;
        if (!served.includes(day)) continue;
        days.add(day);
        const completion = row.count('completion_tokens');
        const reasoning = row.count('reasoning_tokens');
        // Reasoning tokens are part of completion tokens (billed as output); split them out, never add them twice.
        const split = reasoning <= completion;
        if (!split) {
          state.warn({
            code: 'inconsistent',
            message: `OpenRouter reported more reasoning tokens (${reasoning}) than completion tokens (${completion}); both were kept as reported.`,
            endpoint: url,
            fieldPath: row.at('reasoning_tokens'),
          });
        }
        state.addUsage({
          day,
          model: row.string('model'),
          operation: 'chat/completions',
          serviceTier: 'standard',
          contextTier: 'standard',
          project: null,
          tokens: {
            inputUncached: row.count('prompt_tokens'),
            output: split ? completion - reasoning : completion,
            reasoning,
          },
          units: { requests: row.count('requests') },
          reportedCost: row.numberText('usage'),
          raw: toRawJson(row.value),
          endpoint: url,
          path: row.path,
          fieldPaths: { model: row.at('model'), reportedCost: row.at('usage') },
        });
        state.addCost({
          day,
          description: row.string('model'),
          project: null,
          amount: row.numberText('usage'),
          raw: toRawJson(row.value),
          endpoint: url,
          path: row.path,
          fieldPaths: { description: row.at('model'), amount: row.at('usage') },
        });
      }
      return { rows, days: [...days] };
    });
    return state.finish();
  }

  /**
   * The account's credit balance. Not a ledger event (the ledger records usage and billed cost, not balances):
   * the sync reads it after the usage of each run and records it in the run's outcome (`SyncRunCompleted`).
   */
  async credits(run: Pick<SyncRunOptions, 'signal'> = {}): Promise<OpenRouterCredits> {
    const today = dayOfMs((this.options.now ?? (() => new Date()))().getTime());
    const state = this.start({ from: today, to: today }, run, 1);
    const { body, endpoint } = await state.client.getJson('/credits');
    try {
      const data = ShapeReader.root(body, 'credits answer').object('data');
      const totalCredits = exact(data, 'total_credits');
      const totalUsage = exact(data, 'total_usage');
      const remaining = new LedgerDecimal(totalCredits).minus(totalUsage);
      return {
        totalCredits,
        totalUsage,
        remaining: remaining.isZero() ? '0' : remaining.toFixed(),
        currency: 'USD',
        observedAt: state.observedAt,
      };
    } catch (error) {
      if (error instanceof ShapeProblem) {
        // Same typed error as a changed usage answer, but it says what was lost: only the balance, not the usage.
        const changed = state.schemaError(error, endpoint);
        throw new SyncError(`OpenRouter's /credits answered in a shape we do not know: ${error.message}. Its API may have changed; the balance was not read.`, changed);
      }
      throw error;
    }
  }

  private start(range: SyncRange, run: SyncRunOptions, stepCount: number): SyncRun {
    return SyncRun.start({
      provider: 'openrouter',
      label: 'OpenRouter',
      location: openrouterProbe.location,
      account: this.account,
      options: this.options,
      range,
      run,
      stepCount,
      headers: (credential) => ({
        authorization: `Bearer ${credential}`,
        accept: 'application/json',
      }),
      client: {
        errorText: (json) => field(field(json, 'error'), 'message'),
      },
    });
  }
}

function exact(reader: ShapeReader, key: string): string {
  const parsed = parseAmount(reader.numberText(key));
  if (!parsed.ok) reader.fail(key, 'is not an amount we can keep exactly');
  return parsed.value;
}

function describeDays(days: readonly string[]): string {
  return days.length === 1 ? days[0] : `${days.length} days (${days[0]} … ${days[days.length - 1]})`;
}
