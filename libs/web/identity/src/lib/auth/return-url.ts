/** Pages a signed-out user may see (sign-in, register, accepting an invitation). */
export function isPublicUrl(url: string): boolean {
  const path = url.split(/[?#]/)[0] ?? '';
  return path === '/sign-in' || path === '/register' || path.startsWith('/invitations/');
}

/**
 * A return URL from the query string, if it stays inside this app. Anything
 * else (absolute URLs, protocol-relative `//evil.example`, back-slash tricks)
 * falls back to the home page: an open redirect after sign-in is a phishing aid.
 */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return '/';
  }
  const path = value.split(/[?#]/)[0] ?? '';
  if (path === '/sign-in' || path === '/register') return '/';
  return value;
}
