import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { API_PREFIX, APP_CONFIG, AppConfig, Public, type AuthenticatedRequest } from '@act/server/platform';
import type { MeResponse, SessionResponse } from '@act/contracts';
import { AuthService, type ClientInfo, type SignedIn } from './auth.service';
import { LoginBody, RegisterBody } from './dto';
import { currentUserId } from './current-user';

export const REFRESH_COOKIE = 'act_refresh';
const COOKIE_PATH = `/${API_PREFIX}/auth`;

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('register')
  @ApiOperation({ summary: 'Create a user. Without an invitation the user gets a new workspace; the first user also administers the instance.' })
  @ApiCreatedResponse({ description: 'Signed in; the refresh token is set as an httpOnly cookie.' })
  @ApiTooManyRequestsResponse()
  async register(@Body() body: RegisterBody, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionResponse> {
    return this.signedIn(await this.auth.register(body), request, response);
  }

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with e-mail and password.' })
  @ApiOkResponse({ description: 'Signed in; the refresh token is set as an httpOnly cookie.' })
  @ApiTooManyRequestsResponse()
  async login(@Body() body: LoginBody, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionResponse> {
    return this.signedIn(await this.auth.login(body, clientInfo(request)), request, response);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange the refresh cookie for a new access token (and a new refresh cookie). A reused refresh token ends the session.' })
  async refresh(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionResponse> {
    try {
      return this.signedIn(await this.auth.refresh(refreshCookie(request)), request, response);
    } catch (error) {
      response.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      throw error;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session (every token of its family) is revoked and the cookie cleared.' })
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(refreshCookie(request));
    response.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user and their workspaces.' })
  me(@Req() request: AuthenticatedRequest): Promise<MeResponse> {
    return this.auth.me(currentUserId(request));
  }

  private signedIn({ response: body, refresh }: SignedIn, request: Request, response: Response): SessionResponse {
    response.cookie(REFRESH_COOKIE, refresh.token, {
      httpOnly: true,
      // Strict: the browser never sends it on a cross-site request, which is the CSRF defence for the two endpoints that read it.
      sameSite: 'strict',
      secure: this.config.COOKIE_SECURE === 'auto' ? request.secure : this.config.COOKIE_SECURE === 'true',
      path: COOKIE_PATH,
      expires: refresh.expiresAt,
    });
    response.setHeader('Cache-Control', 'no-store');
    return body;
  }
}

function refreshCookie(request: Request): string | undefined {
  const value = (request.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

function clientInfo(request: Request): ClientInfo {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent']?.slice(0, 300) ?? null };
}
