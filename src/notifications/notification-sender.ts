import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { lookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { EmailMessage } from './notification-messages';
import {
  allowPrivateNetworks,
  checkSlackWebhookUrl,
  isPrivateAddress,
} from '../common/slack-url-guard';

export interface SendOutcome {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  /** A failure no retry can fix (a refused URL, email switched off). */
  permanent?: boolean;
}

export const NOTIFY_TIMEOUT_MS = 5_000;

/** Slack URLs name a channel's secret path: show the host only. */
export function maskSlackUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return 'invalid URL';
  }
}

/**
 * Delivers rendered messages: Slack incoming webhooks over HTTP, email over SMTP with nodemailer.
 * SMTP_URL carries credentials: nodemailer's own logging stays off and every error text passes
 * through maskSecrets before it is stored or logged.
 */
@Injectable()
export class NotificationSender implements OnApplicationShutdown {
  private transport?: Transporter;
  private readonly secrets: string[];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.secrets = smtpSecrets(config.smtpUrl);
  }

  get emailEnabled(): boolean {
    return Boolean(this.config.smtpUrl);
  }

  maskSecrets(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  async postSlack(url: string, body: Record<string, unknown>): Promise<SendOutcome> {
    const allowPrivate = allowPrivateNetworks();
    const refused = await checkSlackWebhookUrl(url, allowPrivate);
    if (refused)
      return { succeeded: false, statusCode: null, error: `Slack URL ${refused}`, permanent: true };
    try {
      const statusCode = await postJson(url, JSON.stringify(body), allowPrivate);
      const succeeded = statusCode >= 200 && statusCode < 300;
      return { succeeded, statusCode, error: succeeded ? null : `HTTP ${statusCode}` };
    } catch (error) {
      const e = error as Error & { code?: string };
      if (e instanceof PrivateAddressError)
        return { succeeded: false, statusCode: null, error: e.message, permanent: true };
      return { succeeded: false, statusCode: null, error: e.code ?? e.message };
    }
  }

  async sendEmail(to: string[], message: EmailMessage): Promise<SendOutcome> {
    if (!this.config.smtpUrl)
      return {
        succeeded: false,
        statusCode: null,
        error: 'email is off (SMTP_URL is not set)',
        permanent: true,
      };
    // An options object rather than the URL string, so the timeouts apply; nodemailer's own
    // logger stays off (it would print the AUTH exchange).
    this.transport ??= createTransport({
      url: this.config.smtpUrl,
      logger: false,
      debug: false,
      connectionTimeout: NOTIFY_TIMEOUT_MS,
      greetingTimeout: NOTIFY_TIMEOUT_MS,
      socketTimeout: 2 * NOTIFY_TIMEOUT_MS,
    } as Parameters<typeof createTransport>[0]);
    try {
      await this.transport.sendMail({
        from: this.config.mailFrom,
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
      });
      return { succeeded: true, statusCode: null, error: null };
    } catch (error) {
      const e = error as Error & { responseCode?: number };
      return {
        succeeded: false,
        statusCode: e.responseCode ?? null,
        error: this.maskSecrets(e.message || 'sending failed'),
      };
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

export class PrivateAddressError extends Error {}

/**
 * One POST over node:http(s) whose DNS lookup refuses private addresses: the check applies to the
 * address actually connected to, so a name that resolves differently between the check at save
 * and the delivery (DNS rebinding) is still refused. Redirects are not followed.
 */
export function postJson(url: string, body: string, allowPrivate: boolean): Promise<number> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const bad = !allowPrivate && list.find((a) => isPrivateAddress(a.address));
      if (bad || list.length === 0)
        return callback(
          new PrivateAddressError(
            `Slack URL host ${hostname} resolved to a private address (${bad ? bad.address : 'none'})`,
          ),
          '',
          0,
        );
      if ((options as { all?: boolean }).all) return callback(null, list as never, 0);
      callback(null, list[0].address, list[0].family);
    });
  };
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        lookup: guardedLookup,
        timeout: NOTIFY_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Verdict-Notifications/1',
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${NOTIFY_TIMEOUT_MS / 1000} s`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The parts of SMTP_URL that must never appear in a log line or an API answer. */
export function smtpSecrets(smtpUrl: string | undefined): string[] {
  if (!smtpUrl) return [];
  try {
    const url = new URL(smtpUrl);
    const secrets = [url.password, decodeURIComponent(url.password), url.username];
    return [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}
