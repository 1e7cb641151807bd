import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ALLOW, type RouteRule } from './allow.decorator';
import { IS_PUBLIC } from './public.decorator';
import { PrincipalResolver } from './principal-resolver.service';
import type { RequestWithDeferredBodyError } from '../common/json-body.middleware';
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
    const request = context
      .switchToHttp()
      .getRequest<RequestWithDeferredBodyError & { principal?: Principal }>();
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return this.bodyParsed(request);
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
    return this.bodyParsed(request);
  }

  /** Only now, with the caller allowed in, is a malformed body worth telling them about (400). */
  private bodyParsed(request: RequestWithDeferredBodyError): true {
    if (request.deferredBodyError) throw request.deferredBodyError;
    return true;
  }
}
