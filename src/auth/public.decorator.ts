import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'verdict:isPublic';
/** Marks a route that needs no token (login, health, metrics, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
