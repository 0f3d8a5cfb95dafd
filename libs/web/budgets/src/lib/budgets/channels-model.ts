import { ALERT_KINDS, type AlertKind, type AlertSeverity, type ChannelKind, type CreateChannelRequest, type DeliveryDto } from '../data-access/budget-types';
import { isWebhookKind, shortTime } from '../ui/labels';

export interface ChannelFormValue {
  kind: ChannelKind;
  name: string;
  url: string;
  recipients: string;
  toMembers: boolean;
  alertKinds: readonly AlertKind[];
  minSeverity: AlertSeverity;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The channel form as the create request, or what to fix. The server checks the URL again (SSRF). */
export function channelRequest(value: ChannelFormValue): { request: CreateChannelRequest } | { problem: string } {
  const name = value.name.trim();
  if (name.length === 0 || name.length > 100) return { problem: 'Give the channel a name (up to 100 characters).' };
  if (value.alertKinds.length === 0) return { problem: 'Choose at least one alert kind.' };
  const common = { kind: value.kind, name, alertKinds: ALERT_KINDS.filter((k) => value.alertKinds.includes(k)), minSeverity: value.minSeverity };
  if (isWebhookKind(value.kind)) {
    const url = value.url.trim();
    if (!/^https?:\/\/\S+$/i.test(url)) return { problem: 'Enter the webhook URL (http or https).' };
    return { request: { ...common, url } };
  }
  const recipients = value.recipients
    .split(/[\s,;]+/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const wrong = recipients.find((r) => !EMAIL.test(r));
  if (wrong) return { problem: `"${wrong}" is not an e-mail address.` };
  if (recipients.length === 0 && !value.toMembers) return { problem: 'List at least one address, or send to the members.' };
  return { request: { ...common, recipients, toMembers: value.toMembers } };
}

/** One line per attempt, for the delivery history: `#1 Mar 9, 10:00 delivered (HTTP 200, 35 ms)`. */
export function attemptLines(delivery: DeliveryDto): string[] {
  return delivery.attemptLog.map((attempt) => {
    const facts = [attempt.httpStatus !== null ? `HTTP ${attempt.httpStatus}` : null, attempt.durationMs !== null ? `${attempt.durationMs} ms` : null, attempt.error].filter(
      (fact): fact is string => fact !== null && fact !== '',
    );
    return `#${attempt.attempt} ${shortTime(attempt.startedAt)} ${attempt.outcome}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
  });
}

/** What a test-send reported, in a sentence. */
export function testSummary(result: { delivered: boolean; deliveries: DeliveryDto[] }): string {
  if (result.delivered) return result.deliveries.length > 1 ? `Test message delivered to ${result.deliveries.length} recipients.` : 'Test message delivered.';
  const failure = result.deliveries.find((d) => d.status !== 'delivered');
  return `The test message was not delivered${failure?.lastError ? `: ${failure.lastError}` : '.'}`;
}
