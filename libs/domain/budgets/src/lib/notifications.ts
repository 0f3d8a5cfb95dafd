import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';
import { ALERT_KINDS, ALERT_SEVERITIES, isAlertKind, type AlertKind, type AlertSeverity } from './alert';

/**
 * Where alerts go. `email` sends through the instance's SMTP server to listed addresses and/or
 * the workspace's members (each member's preferences decide which kinds reach them); the others
 * POST to a webhook: Slack, Discord and Microsoft Teams in their message formats, `webhook` as
 * signed JSON for anything else.
 */
export const CHANNEL_KINDS = ['email', 'slack', 'discord', 'teams', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const WEBHOOK_CHANNEL_KINDS: readonly ChannelKind[] = ['slack', 'discord', 'teams', 'webhook'];
export const MAX_CHANNELS_PER_WORKSPACE = 20;
export const MAX_RECIPIENTS = 20;

export type Channel = {
  readonly channelId: string;
  readonly kind: ChannelKind;
  readonly name: string;
  readonly enabled: boolean;
  /** Which alert kinds this channel receives. */
  readonly alertKinds: readonly AlertKind[];
  /** Alerts below this severity are not sent here. */
  readonly minSeverity: AlertSeverity;
  /** E-mail: explicit addresses. */
  readonly recipients: readonly string[];
  /** E-mail: also the workspace's members, as their preferences allow. */
  readonly toMembers: boolean;
  /**
   * Webhooks: the vault entry holding the URL (Slack, Discord and Teams URLs are secrets
   * themselves) and, for `webhook`, the signing secret. Events carry only its id and a hint.
   */
  readonly credentialId: string | null;
  readonly targetHint: string | null;
};

export interface NotificationPreferences {
  /** The alert kinds that reach this member by e-mail. */
  readonly alertKinds: readonly AlertKind[];
  /** False: no alert e-mail at all. */
  readonly email: boolean;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = { alertKinds: [...ALERT_KINDS], email: true };

export type NotificationEvent =
  | DomainEvent<'ChannelAdded', { workspaceId: string } & Channel>
  | DomainEvent<
      'ChannelChanged',
      {
        workspaceId: string;
        channelId: string;
        name?: string;
        enabled?: boolean;
        alertKinds?: AlertKind[];
        minSeverity?: AlertSeverity;
        recipients?: string[];
        toMembers?: boolean;
        credentialId?: string;
        targetHint?: string;
        /** The signing secret was replaced (the new one is in the vault entry). */
        secretRotated?: boolean;
      }
    >
  | DomainEvent<'ChannelRemoved', { workspaceId: string; channelId: string }>
  | DomainEvent<'NotificationPreferencesSet', { workspaceId: string; userId: string; alertKinds: AlertKind[]; email: boolean }>;

export const NOTIFICATION_EVENT_TYPES = ['ChannelAdded', 'ChannelChanged', 'ChannelRemoved', 'NotificationPreferencesSet'] as const satisfies readonly NotificationEvent['type'][];

export type ChannelChange = {
  readonly name?: string;
  readonly enabled?: boolean;
  readonly alertKinds?: readonly AlertKind[];
  readonly minSeverity?: AlertSeverity;
  readonly recipients?: readonly string[];
  readonly toMembers?: boolean;
  readonly credentialId?: string;
  readonly targetHint?: string;
  readonly secretRotated?: boolean;
};

export type NotificationCommand =
  | Command<
      'AddChannel',
      {
        workspaceId: string;
        channelId: string;
        kind: ChannelKind;
        name: string;
        enabled?: boolean;
        alertKinds?: readonly AlertKind[];
        minSeverity?: AlertSeverity;
        recipients?: readonly string[];
        toMembers?: boolean;
        credentialId?: string | null;
        targetHint?: string | null;
      }
    >
  | Command<'ChangeChannel', { workspaceId: string; channelId: string } & ChannelChange>
  | Command<'RemoveChannel', { workspaceId: string; channelId: string }>
  | Command<'SetNotificationPreferences', { workspaceId: string; userId: string; alertKinds: readonly AlertKind[]; email: boolean }>;

export interface NotificationsState {
  readonly channels: ReadonlyMap<string, Channel>;
  readonly removed: ReadonlySet<string>;
  readonly preferences: ReadonlyMap<string, NotificationPreferences>;
}

export function notificationsStreamId(workspaceId: string): string {
  return `notifications-${workspaceId}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkChannelName(raw: string | undefined): string {
  const name = (raw ?? '').trim();
  if (name.length < 1 || name.length > 100) throw new DomainRuleViolation('channel.name', 'A channel needs a name of 1 to 100 characters.');
  return name;
}

export function checkAlertKinds(raw: readonly string[] | undefined, fallback: readonly AlertKind[] = ALERT_KINDS): AlertKind[] {
  const list = raw === undefined ? [...fallback] : [...raw];
  for (const kind of list) {
    if (!isAlertKind(kind)) throw new DomainRuleViolation('alert-kinds', `"${String(kind).slice(0, 40)}" is not an alert kind: use ${ALERT_KINDS.join(', ')}.`);
  }
  // Canonical order, each once.
  return ALERT_KINDS.filter((k) => list.includes(k));
}

function checkSeverity(raw: string | undefined): AlertSeverity {
  const value = raw ?? 'info';
  if (!(ALERT_SEVERITIES as readonly string[]).includes(value)) throw new DomainRuleViolation('channel.severity', `minSeverity must be one of ${ALERT_SEVERITIES.join(', ')}.`);
  return value as AlertSeverity;
}

export function checkRecipients(raw: readonly string[] | undefined): string[] {
  const list = (raw ?? []).map((r) => String(r).trim().toLowerCase());
  if (list.length > MAX_RECIPIENTS) throw new DomainRuleViolation('channel.recipients', `An e-mail channel may list at most ${MAX_RECIPIENTS} addresses.`);
  for (const address of list) {
    if (address.length > 254 || !EMAIL.test(address)) throw new DomainRuleViolation('channel.recipients', `"${address.slice(0, 80)}" is not an e-mail address.`);
  }
  return [...new Set(list)];
}

function checkEmailTargets(recipients: readonly string[], toMembers: boolean): void {
  if (recipients.length === 0 && !toMembers) {
    throw new DomainRuleViolation('channel.recipients', 'An e-mail channel needs recipients, or toMembers: true to reach the members who want these alerts.');
  }
}

function requireChannel(state: NotificationsState, channelId: string): Channel {
  const channel = state.channels.get(channelId);
  if (!channel) throw new DomainRuleViolation('channel.not-found', 'No such notification channel in this workspace.', 'not-found');
  return channel;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Which channels receive an alert of this kind and severity. */
export function channelWants(channel: Pick<Channel, 'enabled' | 'alertKinds' | 'minSeverity'>, alert: { kind: AlertKind; severity: AlertSeverity }): boolean {
  return channel.enabled && channel.alertKinds.includes(alert.kind) && ALERT_SEVERITIES.indexOf(alert.severity) >= ALERT_SEVERITIES.indexOf(channel.minSeverity);
}

/** A workspace's notification channels and its members' preferences (`notifications-<workspaceId>`). */
export const notificationsDecider: Decider<NotificationCommand, NotificationEvent, NotificationsState> = {
  initialState: () => ({ channels: new Map(), removed: new Set(), preferences: new Map() }),

  evolve(state, event) {
    switch (event.type) {
      case 'ChannelAdded': {
        const d = event.data;
        const channel: Channel = {
          channelId: d.channelId,
          kind: d.kind,
          name: d.name,
          enabled: d.enabled,
          alertKinds: d.alertKinds,
          minSeverity: d.minSeverity,
          recipients: d.recipients,
          toMembers: d.toMembers,
          credentialId: d.credentialId,
          targetHint: d.targetHint,
        };
        const channels = new Map(state.channels);
        channels.set(channel.channelId, channel);
        return { ...state, channels };
      }
      case 'ChannelChanged': {
        const before = state.channels.get(event.data.channelId);
        if (!before) return state;
        const d = event.data;
        const channels = new Map(state.channels);
        channels.set(before.channelId, {
          ...before,
          ...(d.name !== undefined ? { name: d.name } : {}),
          ...(d.enabled !== undefined ? { enabled: d.enabled } : {}),
          ...(d.alertKinds !== undefined ? { alertKinds: d.alertKinds } : {}),
          ...(d.minSeverity !== undefined ? { minSeverity: d.minSeverity } : {}),
          ...(d.recipients !== undefined ? { recipients: d.recipients } : {}),
          ...(d.toMembers !== undefined ? { toMembers: d.toMembers } : {}),
          ...(d.credentialId !== undefined ? { credentialId: d.credentialId } : {}),
          ...(d.targetHint !== undefined ? { targetHint: d.targetHint } : {}),
        });
        return { ...state, channels };
      }
      case 'ChannelRemoved': {
        const channels = new Map(state.channels);
        channels.delete(event.data.channelId);
        return { ...state, channels, removed: new Set([...state.removed, event.data.channelId]) };
      }
      case 'NotificationPreferencesSet': {
        const preferences = new Map(state.preferences);
        preferences.set(event.data.userId, { alertKinds: event.data.alertKinds, email: event.data.email });
        return { ...state, preferences };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'AddChannel': {
        const d = command.data;
        if (state.channels.has(d.channelId) || state.removed.has(d.channelId)) {
          throw new DomainRuleViolation('channel.exists', 'A channel with this id exists already.', 'conflict');
        }
        if (!(CHANNEL_KINDS as readonly string[]).includes(d.kind)) throw new DomainRuleViolation('channel.kind', `kind must be one of ${CHANNEL_KINDS.join(', ')}.`);
        if (state.channels.size >= MAX_CHANNELS_PER_WORKSPACE) {
          throw new DomainRuleViolation('channel.too-many', `A workspace may have at most ${MAX_CHANNELS_PER_WORKSPACE} notification channels.`);
        }
        const isEmail = d.kind === 'email';
        const recipients = isEmail ? checkRecipients(d.recipients) : [];
        const toMembers = isEmail ? (d.toMembers ?? recipients.length === 0) : false;
        if (isEmail) checkEmailTargets(recipients, toMembers);
        else if (!d.credentialId) throw new DomainRuleViolation('channel.url', `A ${d.kind} channel needs its webhook URL.`);
        const alertKinds = checkAlertKinds(d.alertKinds);
        if (alertKinds.length === 0) throw new DomainRuleViolation('alert-kinds', 'A channel needs at least one alert kind.');
        return [
          {
            type: 'ChannelAdded',
            data: {
              workspaceId: d.workspaceId,
              channelId: d.channelId,
              kind: d.kind,
              name: checkChannelName(d.name),
              enabled: d.enabled ?? true,
              alertKinds,
              minSeverity: checkSeverity(d.minSeverity),
              recipients,
              toMembers,
              credentialId: isEmail ? null : (d.credentialId ?? null),
              targetHint: isEmail ? null : (d.targetHint ?? null),
            },
          },
        ];
      }
      case 'ChangeChannel': {
        const d = command.data;
        const channel = requireChannel(state, d.channelId);
        const isEmail = channel.kind === 'email';
        const change: Omit<Extract<NotificationEvent, { type: 'ChannelChanged' }>['data'], 'workspaceId' | 'channelId'> = {};
        if (d.name !== undefined) {
          const name = checkChannelName(d.name);
          if (name !== channel.name) change.name = name;
        }
        if (d.enabled !== undefined && d.enabled !== channel.enabled) change.enabled = d.enabled;
        if (d.alertKinds !== undefined) {
          const kinds = checkAlertKinds(d.alertKinds);
          if (kinds.length === 0) throw new DomainRuleViolation('alert-kinds', 'A channel needs at least one alert kind.');
          if (!same(kinds, channel.alertKinds)) change.alertKinds = kinds;
        }
        if (d.minSeverity !== undefined) {
          const severity = checkSeverity(d.minSeverity);
          if (severity !== channel.minSeverity) change.minSeverity = severity;
        }
        if ((d.recipients !== undefined || d.toMembers !== undefined) && !isEmail) {
          throw new DomainRuleViolation('channel.recipients', 'Recipients belong to e-mail channels; a webhook channel has a URL.');
        }
        if (d.credentialId !== undefined && isEmail) throw new DomainRuleViolation('channel.url', 'An e-mail channel has no URL.');
        if (isEmail) {
          const recipients = d.recipients !== undefined ? checkRecipients(d.recipients) : [...channel.recipients];
          const toMembers = d.toMembers ?? channel.toMembers;
          checkEmailTargets(recipients, toMembers);
          if (!same(recipients, channel.recipients)) change.recipients = recipients;
          if (toMembers !== channel.toMembers) change.toMembers = toMembers;
        }
        if (d.credentialId !== undefined && d.credentialId !== channel.credentialId) {
          change.credentialId = d.credentialId;
          if (d.targetHint !== undefined) change.targetHint = d.targetHint;
          if (d.secretRotated) change.secretRotated = true;
        }
        if (Object.keys(change).length === 0) return [];
        return [{ type: 'ChannelChanged', data: { workspaceId: d.workspaceId, channelId: channel.channelId, ...change } }];
      }
      case 'RemoveChannel': {
        if (state.removed.has(command.data.channelId)) return [];
        const channel = requireChannel(state, command.data.channelId);
        return [{ type: 'ChannelRemoved', data: { workspaceId: command.data.workspaceId, channelId: channel.channelId } }];
      }
      case 'SetNotificationPreferences': {
        const d = command.data;
        const alertKinds = checkAlertKinds(d.alertKinds);
        const before = state.preferences.get(d.userId);
        if (before && before.email === d.email && same(before.alertKinds, alertKinds)) return [];
        return [{ type: 'NotificationPreferencesSet', data: { workspaceId: d.workspaceId, userId: d.userId, alertKinds, email: d.email } }];
      }
    }
  },
};
