import { UnauthorizedException } from '@nestjs/common';
import type { AuthenticatedRequest } from '@act/server/platform';

/** The signed-in user's id; automation with the ADMIN_TOKEN is not a user. */
export function currentUserId(request: AuthenticatedRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'user') throw new UnauthorizedException('Sign in as a user to do this.');
  return principal.userId;
}
