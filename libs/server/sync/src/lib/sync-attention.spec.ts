import { ATTENTION_AFTER_FAILED_RUNS, syncAttention, type FinishedRun } from './sync-attention';

const ok = (at: string): FinishedRun => ({ status: 'succeeded', category: null, code: null, message: null, startedAt: at });
const failed = (at: string, category: string, code: string, message = 'It failed.'): FinishedRun => ({ status: 'failed', category, code, message, startedAt: at });

describe('syncAttention', () => {
  it('says nothing without runs or when the latest run succeeded, whatever came before', () => {
    expect(syncAttention([])).toBeNull();
    expect(syncAttention([ok('2026-11-20T10:00:00Z'), failed('2026-11-20T09:00:00Z', 'provider_schema_changed', 'wrong_type')])).toBeNull();
  });

  it('flags a changed answer at once, with the reason', () => {
    const line = syncAttention([failed('2026-11-20T10:00:00Z', 'provider_schema_changed', 'missing_field', 'OpenAI no longer sends data[0].results[0].input_tokens.')]);
    expect(line).toMatch(/^The provider's answer changed .*missing_field.*input_tokens.*Syncing continues/);
  });

  it('flags a base URL that leads nowhere at once', () => {
    expect(syncAttention([failed('2026-11-20T10:00:00Z', 'unreachable', 'not_found')])).toMatch(/not_found/);
  });

  it('flags passing failures only once they persist across runs', () => {
    const runs = [
      failed('2026-11-20T12:00:00Z', 'transient', 'server_error', 'OpenAI kept failing with HTTP 503.'),
      failed('2026-11-20T11:00:00Z', 'rate_limited', 'rate_limited'),
      failed('2026-11-20T10:00:00Z', 'unreachable', 'timeout'),
      ok('2026-11-20T09:00:00Z'),
    ];
    expect(ATTENTION_AFTER_FAILED_RUNS).toBe(3);
    expect(syncAttention(runs.slice(1))).toBeNull();
    expect(syncAttention(runs)).toBe(
      'The last 3 syncs failed (since 2026-11-20 10:00 UTC; transient/server_error). OpenAI kept failing with HTTP 503. ' +
        'Syncing continues and will catch up once the provider answers.',
    );
  });

  it('does not count cancelled runs and leaves key problems to the pause', () => {
    const cancelled = failed('2026-11-20T13:00:00Z', 'transient', 'aborted');
    const transient = [1, 2, 3].map((h) => failed(`2026-11-20T1${h}:00:00Z`, 'transient', 'connection_lost'));
    expect(syncAttention([cancelled, ...transient.slice(0, 2), ok('2026-11-20T09:00:00Z')])).toBeNull();
    expect(syncAttention([cancelled, ...transient])).toMatch(/^The last 3 syncs failed/);
    expect(syncAttention([failed('2026-11-20T10:00:00Z', 'auth', 'invalid_key')])).toBeNull();
  });

  it('does not count runs whose process died (closed as interrupted by the next run)', () => {
    const died = [1, 2, 3].map((h) => failed(`2026-11-20T1${h}:00:00Z`, 'transient', 'interrupted'));
    expect(syncAttention([...died, ok('2026-11-20T09:00:00Z')])).toBeNull();
  });
});
