import { endpointUrl, resolveApiRoot, type ApiLocation } from './base-url';

const openai: ApiLocation = {
  defaultBaseUrl: 'https://api.openai.com/v1',
  prefix: '/v1',
};
const openrouter: ApiLocation = {
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  prefix: '/api/v1',
};
const groq: ApiLocation = {
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  prefix: '/openai/v1',
};
const deepseek: ApiLocation = {
  defaultBaseUrl: 'https://api.deepseek.com',
  prefix: '',
};
const gemini: ApiLocation = {
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  prefix: '/v1beta',
};
const custom: ApiLocation = { defaultBaseUrl: '', prefix: '', verbatim: true };

function root(location: ApiLocation, override: string | null): string {
  const resolved = resolveApiRoot(location, override);
  if (!resolved.ok) throw new Error(resolved.reason);
  return resolved.apiRoot.href;
}

describe('resolveApiRoot', () => {
  it('uses the provider default when no base URL is given', () => {
    expect(root(openai, null)).toBe('https://api.openai.com/v1');
    expect(root(openai, '   ')).toBe('https://api.openai.com/v1');
    expect(root(deepseek, null)).toBe('https://api.deepseek.com/');
  });

  it('accepts a base with or without the version segment and trailing slashes', () => {
    for (const base of [
      'https://proxy.example.com',
      'https://proxy.example.com/',
      'https://proxy.example.com/v1',
      'https://proxy.example.com/v1//',
    ]) {
      expect(root(openai, base)).toBe('https://proxy.example.com/v1');
    }
  });

  it('keeps a gateway path and appends the prefix after it', () => {
    expect(root(openai, 'https://gw.example.com/team-a/openai')).toBe(
      'https://gw.example.com/team-a/openai/v1',
    );
    expect(root(openai, 'https://gw.example.com/team-a/openai/v1/')).toBe(
      'https://gw.example.com/team-a/openai/v1',
    );
  });

  it('appends only the missing tail of a multi-segment prefix', () => {
    expect(root(openrouter, 'https://openrouter.ai')).toBe(
      'https://openrouter.ai/api/v1',
    );
    expect(root(openrouter, 'https://openrouter.ai/api')).toBe(
      'https://openrouter.ai/api/v1',
    );
    expect(root(openrouter, 'https://openrouter.ai/api/v1/')).toBe(
      'https://openrouter.ai/api/v1',
    );
    expect(root(groq, 'https://api.groq.com/openai')).toBe(
      'https://api.groq.com/openai/v1',
    );
    expect(root(groq, 'https://groq-proxy.example.com/v1')).toBe(
      'https://groq-proxy.example.com/v1',
    );
  });

  it('treats any version-like last segment as the API root (Gemini v1 and v1beta)', () => {
    expect(root(gemini, 'https://generativelanguage.googleapis.com')).toBe(
      'https://generativelanguage.googleapis.com/v1beta',
    );
    expect(root(gemini, 'https://generativelanguage.googleapis.com/v1')).toBe(
      'https://generativelanguage.googleapis.com/v1',
    );
  });

  it('drops a trailing version for providers whose endpoint sits at the root (DeepSeek)', () => {
    expect(root(deepseek, 'https://api.deepseek.com/v1')).toBe(
      'https://api.deepseek.com/',
    );
    expect(root(deepseek, 'https://proxy.example.com/deepseek/v1/')).toBe(
      'https://proxy.example.com/deepseek',
    );
  });

  it('uses a custom base verbatim apart from trailing slashes', () => {
    expect(root(custom, 'http://localhost:11434/v1/')).toBe(
      'http://localhost:11434/v1',
    );
    expect(root(custom, 'http://localhost:8000')).toBe(
      'http://localhost:8000/',
    );
  });

  it('ignores query and fragment', () => {
    expect(root(openai, 'https://proxy.example.com/v1?tenant=a#frag')).toBe(
      'https://proxy.example.com/v1',
    );
  });

  it('refuses non-http URLs and URLs with user info', () => {
    expect(resolveApiRoot(openai, 'not a url')).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(resolveApiRoot(openai, 'ftp://example.com')).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(resolveApiRoot(openai, 'https://user:secret@example.com')).toEqual({
      ok: false,
      reason: 'credentials_in_url',
    });
  });
});

describe('endpointUrl', () => {
  it('joins a path and a query onto the root', () => {
    const url = endpointUrl(
      new URL('https://api.openai.com/v1'),
      '/organization/costs',
      [['limit', '1']],
    );
    expect(url.href).toBe(
      'https://api.openai.com/v1/organization/costs?limit=1',
    );
    expect(
      endpointUrl(new URL('https://api.deepseek.com/'), '/user/balance').href,
    ).toBe('https://api.deepseek.com/user/balance');
  });
});
