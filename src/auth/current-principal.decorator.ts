import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from '../common/principal';

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => {
    return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
  },
);
