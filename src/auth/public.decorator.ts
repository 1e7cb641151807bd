import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

export const IS_PUBLIC = 'verdict:isPublic';
/**
 * Marks a route that needs no token (login, health, version, metrics). The empty security
 * requirement tells the OpenAPI document builder to publish it with `security: []`.
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiSecurity({}));
