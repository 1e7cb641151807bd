/**
 * Real receivers for notification tests: an HTTP server playing Slack's incoming webhook and an
 * SMTP server (the smtp-server package) on loopback that parses every mail it is given.
 */
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { after } from 'node:test';
import { serverPerFile, type ServersStarted, type TestContext } from '../support/harness';

export interface SlackPost {
  path: string;
  json: any;
  at: number;
}

export class SlackReceiver {
  readonly posts: SlackPost[] = [];
  /** Paths whose first N posts get a 500 (Slack having a bad moment). */
  readonly failFirst = new Map<string, number>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '/';
        const left = this.failFirst.get(path) ?? 0;
        if (left > 0) {
          this.failFirst.set(path, left - 1);
          res.writeHead(500).end('internal_error');
          return;
        }
        this.posts.push({ path, json: JSON.parse(body), at: Date.now() });
        // Slack answers "ok" with 200.
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  at(path: string): SlackPost[] {
    return this.posts.filter((p) => p.path === path);
  }

  stop(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

export interface ReceivedMail {
  to: string[];
  mail: ParsedMail;
  raw: string;
  at: number;
}

export class MailReceiver {
  readonly mails: ReceivedMail[] = [];
  readonly logins: { username: string; password: string }[] = [];
  private server!: SMTPServer;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      // Plain loopback SMTP with AUTH, as a relay on a private network would be.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: false,
      logger: false,
      onAuth: (auth, _session, callback) => {
        this.logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
        if (auth.username === 'mailer' && auth.password === 's3cret-pass')
          callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString();
          simpleParser(raw)
            .then((mail) => {
              this.mails.push({
                to: session.envelope.rcptTo.map((r) => r.address),
                mail,
                raw,
                at: Date.now(),
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as { port: number }).port;
  }

  get url(): string {
    return `smtp://mailer:s3cret-pass@127.0.0.1:${this.port}`;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The file's server (as serverPerFile) with a Slack and a mail receiver of its own: the
 * receivers start before the server, whose settings name their addresses, and stop after it.
 */
export function serverPerFileWithReceivers(
  ctx: TestContext,
  onStart: (started: ServersStarted) => Promise<void>,
  env: (smtpUrl: string) => Record<string, string>,
): { slack: SlackReceiver; smtp: MailReceiver } {
  const slack = new SlackReceiver();
  const smtp = new MailReceiver();
  serverPerFile(ctx, onStart, {
    env: async () => {
      await Promise.all([slack.start(), smtp.start()]);
      return env(smtp.url);
    },
  });
  after(async () => {
    slack.stop();
    await smtp.stop();
  });
  return { slack, smtp };
}
