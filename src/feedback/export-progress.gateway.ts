import { Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { Repository } from 'typeorm';
import { hasRole, isLead } from '../auth/access';
import { PrincipalResolver } from '../auth/principal-resolver.service';
import type { ExportProgress } from './export-progress';
import { ExportJob } from './export-job.entity';
import { OnDomainEvent } from '../common/domain-event-listener.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const roomOf = (id: string) => `export:${id}`;

export type WatchAck = { ok: true; export: ExportProgress } | { ok: false; error: string };

/**
 * Background export progress on the /live namespace (the live gateway authenticates the
 * handshake). A client emits `export.watch {id}` for an export it may see and then receives
 * `export.progress {id, status, progress, rows}` as the job advances, whichever instance runs
 * it: the namespace's Redis adapter carries room emits across instances.
 */
@WebSocketGateway({ namespace: '/live' })
export class ExportProgressGateway implements OnGatewayInit<Namespace> {
  private readonly logger = new Logger('ExportProgress');
  private nsp?: Namespace;

  constructor(
    @InjectRepository(ExportJob) private readonly jobs: Repository<ExportJob>,
    private readonly principals: PrincipalResolver,
  ) {}

  @OnDomainEvent('export.progress')
  forward(progress: ExportProgress): void {
    this.nsp?.to(roomOf(progress.id)).emit('export.progress', progress);
  }

  afterInit(nsp: Namespace): void {
    this.nsp = nsp;
    // Someone's tokens were revoked: sockets whose token no longer resolves are dropped.
    this.principals.onUserChanged(() => {
      for (const socket of nsp.sockets.values()) {
        const token = (socket.data as { token?: string }).token;
        if (!token) continue;
        void this.principals.resolveFresh(token).then(
          (principal) => (principal ? undefined : socket.disconnect(true)),
          () => undefined,
        );
      }
    });
  }

  @SubscribeMessage('export.watch')
  async watch(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<WatchAck> {
    const id = (body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !UUID.test(id))
      return { ok: false, error: 'id must be an export id' };
    try {
      const token = (socket.data as { token?: string }).token;
      const principal = token ? await this.principals.resolve(token) : null;
      if (!principal || !hasRole(principal, 'admin', 'lead', 'analyst')) {
        return { ok: false, error: 'requires role admin, lead or analyst' };
      }
      const job = await this.jobs.findOne({ where: { id } });
      if (!job) return { ok: false, error: 'export not found' };
      if (job.requestedBy !== principal.id && !isLead(principal))
        return { ok: false, error: 'not allowed to see this export' };
      await socket.join(roomOf(id));
      return {
        ok: true,
        export: {
          id,
          requestedBy: job.requestedBy,
          status: job.status,
          progress: job.progress,
          rows: job.rows,
        },
      };
    } catch (error) {
      this.logger.warn(`export.watch failed: ${(error as Error).message}`);
      return { ok: false, error: 'temporarily unavailable, try again' };
    }
  }
}
