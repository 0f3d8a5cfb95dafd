import { Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Outgoing e-mail. `enabled` is false when no SMTP server is configured. */
export interface Mailer {
  readonly enabled: boolean;
  send(message: MailMessage): Promise<void>;
}

export class SmtpMailer implements Mailer {
  readonly enabled = true;
  private readonly transport: Transporter;
  private readonly logger = new Logger('Mail');

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = createTransport(smtpUrl);
  }

  async send(message: MailMessage): Promise<void> {
    // Someone is waiting for the answer (the invitation dialog): a dead SMTP server must not hold it for minutes.
    await Promise.race([
      this.transport.sendMail({ from: this.from, ...message }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the SMTP server did not answer within 15 s')), 15_000).unref()),
    ]);
    // The recipient is personal data and the body may hold a link with a token: log neither.
    this.logger.log(`Sent "${message.subject}"`);
  }
}

export class DisabledMailer implements Mailer {
  readonly enabled = false;
  async send(): Promise<void> {
    /* No SMTP_URL: nothing to send with. */
  }
}
