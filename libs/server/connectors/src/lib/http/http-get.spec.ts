import { classifyFetchError } from './http-get';

/** Node wraps socket errors as `TypeError('fetch failed', { cause })`; these mimic the shapes undici produces. */
function fetchFailed(cause: unknown): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause });
}

function withCode(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('classifyFetchError', () => {
  it('recognises AbortSignal.timeout', () => {
    expect(
      classifyFetchError(
        new DOMException(
          'The operation was aborted due to timeout',
          'TimeoutError',
        ),
      ),
    ).toBe('timeout');
  });

  it('reads codes through cause chains and aggregate errors', () => {
    expect(classifyFetchError(fetchFailed(withCode('ENOTFOUND')))).toBe('dns');
    expect(classifyFetchError(fetchFailed(withCode('ECONNREFUSED')))).toBe(
      'refused',
    );
    const happyEyeballs = Object.assign(new Error('connect'), {
      errors: [withCode('ECONNREFUSED'), withCode('ECONNREFUSED')],
    });
    expect(classifyFetchError(fetchFailed(happyEyeballs))).toBe('refused');
    expect(classifyFetchError(fetchFailed(withCode('UND_ERR_SOCKET')))).toBe(
      'reset',
    );
    expect(
      classifyFetchError(fetchFailed(withCode('UND_ERR_CONNECT_TIMEOUT'))),
    ).toBe('timeout');
    expect(classifyFetchError(fetchFailed(withCode('CERT_HAS_EXPIRED')))).toBe(
      'tls',
    );
    expect(
      classifyFetchError(fetchFailed(withCode('ERR_TLS_CERT_ALTNAME_INVALID'))),
    ).toBe('tls');
    expect(classifyFetchError(fetchFailed(new Error('something else')))).toBe(
      'network',
    );
    expect(classifyFetchError('not even an error')).toBe('network');
  });
});
