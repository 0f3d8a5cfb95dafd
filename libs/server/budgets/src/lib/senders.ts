import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { AlertCondition, ChannelKind } from '@act/domain/budgets';
import type { Mailer } from '@act/server/identity';
import { guardedLookup, isPrivateAddress, PrivateAddressError, type TargetPolicy } from './webhook-target';

/**
 * The JSON a generic webhook receives, also the stored payload of every delivery (the other
 * formats are rendered from it). The same body is sent on every attempt; the receiver dedupes on
 * `id` (also in `X-ACT-Delivery` and `Idempotency-Key`).
 */
export interface NotificationPayload {
  id: string;
  type: 'alert.raised' | 'test';
  createdAt: string;
  workspaceId: string;
  alert: PayloadAlert | null;
  /** Test sends: what the message says. */
  text?: string;
  /** Where to look at it, when PUBLIC_URL is set. */
  url?: string;
}

/** An alert as receivers see it. */
export interface PayloadAlert {
  id: string;
  kind: AlertCondition['kind'];
  severity: AlertCondition['severity'];
  title: string;
  message: string;
  subject: AlertCondition['subject'];
  period: string;
  details: AlertCondition['details'];
  raisedAt: string;
}

export function payloadAlert(alert: AlertCondition, raisedAt: string): PayloadAlert {
  const { alertId, kind, severity, title, message, subject, period, details } = alert;
  return { id: alertId, kind, severity, title, message, subject, period, details, raisedAt };
}

export const SIGNATURE_HEADER = 'X-ACT-Signature';
export const TIMESTAMP_HEADER = 'X-ACT-Timestamp';
export const DELIVERY_HEADER = 'X-ACT-Delivery';

/** `whsec_` + 32 random bytes, base64url. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The signature scheme of generic webhooks: `v1=` + hex HMAC-SHA256, keyed with the signing
 * secret (its UTF-8 bytes, `whsec_` prefix included), over `<timestamp>.<raw body>`, where
 * timestamp is the `X-ACT-Timestamp` header (Unix seconds). Receivers recompute it, compare in
 * constant time and refuse timestamps older than a few minutes (replays).
 */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface SendOutcome {
  delivered: boolean;
  /** Retrying cannot help (a 4xx other than 408/425/429, a refused address, no SMTP): fail now. */
  permanent: boolean;
  httpStatus: number | null;
  error: string | null;
}

/** What a channel needs to send, secrets included (from the vault, never stored elsewhere). */
export interface ChannelTarget {
  kind: ChannelKind;
  name: string;
  url: string | null;
  secret: string | null;
}

const SEVERITY_EMOJI: Record<string, string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };

function headline(payload: NotificationPayload): { title: string; text: string; severity: string } {
  if (payload.alert) return { title: payload.alert.title, text: payload.alert.message, severity: payload.alert.severity };
  return { title: 'Test notification from AI Cost Tracker', text: payload.text ?? 'This channel works.', severity: 'info' };
}

/** Renders the message in the channel's format. */
export function renderBody(kind: Exclude<ChannelKind, 'email'>, payload: NotificationPayload): string {
  const { title, text, severity } = headline(payload);
  const link = payload.url ? `\n${payload.url}` : '';
  switch (kind) {
    case 'slack':
      return JSON.stringify({
        text: `${SEVERITY_EMOJI[severity] ?? ''} *${escapeSlack(title)}*\n${escapeSlack(text)}${link}`,
        unfurl_links: false,
      });
    case 'discord':
      return JSON.stringify({
        content: `${SEVERITY_EMOJI[severity] ?? ''} **${title}**\n${text}${link}`.slice(0, 2000),
        // Never ping @everyone or roles from alert text.
        allowed_mentions: { parse: [] },
      });
    case 'teams':
      return JSON.stringify({
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              msteams: { width: 'Full' },
              body: [
                { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true, color: severity === 'critical' ? 'Attention' : severity === 'warning' ? 'Warning' : 'Default' },
                { type: 'TextBlock', text, wrap: true },
              ],
              ...(payload.url ? { actions: [{ type: 'Action.OpenUrl', title: 'Open AI Cost Tracker', url: payload.url }] } : {}),
            },
          },
        ],
      });
    case 'webhook':
      return JSON.stringify(payload);
  }
}

export function renderEmail(payload: NotificationPayload, recipient: string): { to: string; subject: string; text: string } {
  const { title, text } = headline(payload);
  const lines = [text, ''];
  if (payload.alert) {
    for (const [key, value] of Object.entries(payload.alert.details)) if (value !== null && value !== '') lines.push(`${key}: ${value}`);
    lines.push('', `Severity: ${payload.alert.severity}. Period: ${payload.alert.period}.`);
  }
  if (payload.url) lines.push('', payload.url);
  lines.push('', `— AI Cost Tracker. Delivery ${payload.id}. Choose which alerts reach you in your notification preferences.`);
  return { to: recipient, subject: `[AI Cost Tracker] ${title}`, text: lines.join('\n') };
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Sends one delivery attempt; never throws (the outcome says what happened). */
export class NotificationSender {
  constructor(
    private readonly mailer: Mailer,
    private readonly policy: TargetPolicy,
    private readonly timeoutMs: number,
  ) {}

  async send(target: ChannelTarget, payload: NotificationPayload, recipient: string | null): Promise<SendOutcome> {
    try {
      if (target.kind === 'email') return await this.sendEmail(payload, recipient);
      return await this.sendWebhook(target, payload);
    } catch (error) {
      const permanent = error instanceof PrivateAddressError || (error as { cause?: unknown }).cause instanceof PrivateAddressError;
      return { delivered: false, permanent, httpStatus: null, error: describe(error) };
    }
  }

  private async sendEmail(payload: NotificationPayload, recipient: string | null): Promise<SendOutcome> {
    if (!this.mailer.enabled) return { delivered: false, permanent: true, httpStatus: null, error: 'E-mail is not configured on this instance (set SMTP_URL).' };
    if (!recipient) return { delivered: false, permanent: true, httpStatus: null, error: 'No recipient.' };
    await withTimeout(this.mailer.send(renderEmail(payload, recipient)), this.timeoutMs, 'the SMTP server');
    return { delivered: true, permanent: false, httpStatus: null, error: null };
  }

  private async sendWebhook(target: ChannelTarget, payload: NotificationPayload): Promise<SendOutcome> {
    if (!target.url) return { delivered: false, permanent: true, httpStatus: null, error: 'The channel has no URL.' };
    const url = new URL(target.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Literal addresses never go through DNS: judge them here.
    if (!this.policy.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) throw new PrivateAddressError(host, host);
    const kind = target.kind as Exclude<ChannelKind, 'email'>;
    const body = renderBody(kind, payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'AI-Cost-Tracker-Notifications/1',
      [DELIVERY_HEADER]: payload.id,
      'idempotency-key': payload.id,
    };
    if (kind === 'webhook' && target.secret) {
      const timestamp = Math.floor(Date.now() / 1000);
      headers[TIMESTAMP_HEADER] = String(timestamp);
      headers[SIGNATURE_HEADER] = signWebhook(target.secret, timestamp, body);
    }
    const response = await post(url, body, headers, this.timeoutMs, this.policy);
    if (response.status >= 200 && response.status < 300) return { delivered: true, permanent: false, httpStatus: response.status, error: null };
    const retryable = response.status >= 500 || [408, 425, 429].includes(response.status);
    const snippet = response.text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return { delivered: false, permanent: !retryable, httpStatus: response.status, error: `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}` };
  }
}

function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, policy: TargetPolicy): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(policy), signal: AbortSignal.timeout(timeoutMs) },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          // Keep the start of the answer for the delivery log; drain the rest.
          if (size < 4096) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 4096) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'No answer within the timeout.';
  const text = `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(error)}`;
  return text.slice(0, 500);
}
