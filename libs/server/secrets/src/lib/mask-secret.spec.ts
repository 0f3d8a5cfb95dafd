import fc from 'fast-check';
import { maskSecret } from './mask-secret';

/** A deterministic stand-in for a key's random body (base64url, as most providers use). */
function body(length: number, seed = 7): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

describe('maskSecret', () => {
  it.each([
    ['OpenAI admin key', `sk-admin-${body(70)}a1b2`, 'sk-admin-…a1b2'],
    ['OpenAI project key', `sk-proj-${body(150)}Qx9z`, 'sk-proj-…Qx9z'],
    ['OpenAI service-account key', `sk-svcacct-${body(150)}0000`, 'sk-svcacct-…0000'],
    ['OpenAI legacy key', `sk-${body(44)}T3BlbkFJ${body(20)}9f3c`, 'sk-…9f3c'],
    ['Anthropic admin key', `sk-ant-admin01-${body(86)}-wxyz`, 'sk-ant-admin01-…wxyz'],
    ['Anthropic API key', `sk-ant-api03-${body(91)}-AAA`, 'sk-ant-api03-…-AAA'],
    ['OpenRouter key', `sk-or-v1-${'0123456789abcdef'.repeat(4)}`, 'sk-or-v1-…cdef'],
    ['Groq key', `gsk_${body(52)}`, `gsk_…${body(52).slice(-4)}`],
    ['xAI key', `xai-${body(80)}`, `xai-…${body(80).slice(-4)}`],
    ['Gemini (Google API) key', `AIzaSy${body(33)}`, `AIza…${body(33).slice(-4)}`],
    ['this tracker’s ingest key', `act_ik_${body(40)}9f3c`, 'act_ik_…9f3c'],
    ['a key of unknown shape (hex)', 'deadbeef'.repeat(8), '…beef'],
  ])('%s → a known prefix and the last 4', (_kind, secret, hint) => {
    expect(maskSecret(secret)).toBe(hint);
  });

  it('shows only a known prefix, never the start of a random body that has dashes in it', () => {
    expect(maskSecret(`sk-proj-ab-cd_${body(60)}wxyz`)).toBe('sk-proj-…wxyz');
    expect(maskSecret(`abc-${body(60)}wxyz`)).toBe('…wxyz');
    expect(maskSecret(`prefix_${body(60)}wxyz`)).toBe('…wxyz');
  });

  it('shows less of short secrets, and nothing of very short ones', () => {
    expect(maskSecret('')).toBe('••••');
    expect(maskSecret('hunter2')).toBe('••••');
    expect(maskSecret('sk-12345678')).toBe('••••'); // 11 characters
    expect(maskSecret('abcdefghijkl')).toBe('…kl'); // 12
    expect(maskSecret('sk-admin-1234567xy')).toBe('…xy'); // 18
    // Long enough for a tail, too short to also show the prefix and keep 12 hidden.
    expect(maskSecret('sk-admin-abcdefgh1234')).toBe('…1234');
  });

  it('ignores whitespace pasted around the key', () => {
    expect(maskSecret(`  sk-admin-${body(70)}a1b2\n`)).toBe('sk-admin-…a1b2');
  });

  it('never reveals more than a known prefix and the last 4 characters', () => {
    const prefixes = ['', 'sk-', 'sk-admin-', 'sk-ant-admin01-', 'gsk_', 'AIza', 'xai-', 'odd-', 'sk-or-v1-'];
    const known =
      /^(?:sk-(?:ant-[a-z]+\d{2}-|or-v\d+-|admin-|proj-|svcacct-|None-)?|act_ik_|(?:gsk|hf|r8|fw)_|(?:xai|pplx)-|AIza)?$/;
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.string({ maxLength: 120 }), (prefix, rest) => {
        const secret = (prefix + rest).trim();
        const hint = maskSecret(secret);
        if (hint === '••••') return;
        const [shownPrefix, tail] = hint.split('…');
        expect(tail.length).toBeLessThanOrEqual(4);
        expect(secret.endsWith(tail)).toBe(true);
        expect(secret.startsWith(shownPrefix)).toBe(true);
        expect(shownPrefix).toMatch(known);
        expect(secret.length - shownPrefix.length - tail.length).toBeGreaterThanOrEqual(10);
      }),
    );
  });
});
