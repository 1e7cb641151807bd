/** The 'export.progress' domain event (see common/domain-events.ts), declared by its owner. */
export interface ExportProgress {
  id: string;
  requestedBy: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Share of records written, 0..1. */
  progress: number;
  rows: number;
}

declare module '../common/domain-events' {
  interface DomainEventMap {
    /** A background export advanced or finished; live updates may forward it to the requester. */
    'export.progress': ExportProgress;
  }
}
