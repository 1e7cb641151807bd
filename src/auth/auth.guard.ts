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

interface RouteAccess {
  isPublic: boolean;
  rule: RouteRule | undefined;
}

/** Global guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Decorator metadata is fixed at boot, so it is read once per (controller, handler) rather
   * than four reflect-metadata lookups on every request.
   */
  private readonly access = new WeakMap<object, WeakMap<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
  ) {}

  private routeAccess(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.access.get(controller);
    if (!byHandler) this.access.set(controller, (byHandler = new WeakMap()));
    let access = byHandler.get(handler);
    if (!access) {
      const targets = [handler, controller];
      access = {
        isPublic: Boolean(this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)),
        rule: this.reflector.getAllAndOverride<RouteRule | undefined>(ALLOW, targets),
      };
      byHandler.set(handler, access);
    }
    return access;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context
      .switchToHttp()
      .getRequest<RequestWithDeferredBodyError & { principal?: Principal }>();
    const { isPublic, rule } = this.routeAccess(context);
    if (isPublic) return this.bodyParsed(request);
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw new UnauthorizedException('missing bearer token (Authorization: Bearer <token>)');
    const principal = await this.resolver.resolve(match[1]);
    if (!principal) throw new UnauthorizedException('invalid, expired or revoked token');
    request.principal = principal;
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
