import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobCatalogue, JobName } from './job-catalogue';

export const JOB_HANDLER = 'verdict:jobHandler';

/** Marks the method that processes one job name; the payload type follows from the catalogue. */
export function JobHandler<N extends JobName>(name: N) {
  return SetMetadata(JOB_HANDLER, name) as <T>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T> &
      TypedPropertyDescriptor<
        (payload: JobCatalogue[N], job: Job, token?: string) => Promise<unknown>
      >,
  ) => void;
}
