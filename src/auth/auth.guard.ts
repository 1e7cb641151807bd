import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ALLOW, type RouteRule } from './allow.decorator';
import { IS_PUBLIC } from './public.decorator';
import { PrincipalResolver } from './principal-resolver.service';
import type { Principal } from '../common/principal';

/** Global guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw new UnauthorizedException('missing bearer token (Authorization: Bearer <token>)');
    const principal = await this.resolver.resolve(match[1]);
    if (!principal) throw new UnauthorizedException('invalid, expired or revoked token');
    request.principal = principal;
    const rule = this.reflector.getAllAndOverride<RouteRule | undefined>(ALLOW, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule && !rule.check(principal, request.params as Record<string, string | undefined>))
      throw new ForbiddenException(rule.message);
    return true;
  }
}
