import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiKeyIdentityView, LoginDto, LoginResponse, UserView } from './auth.dto';
import { AuthService } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { Public } from './public.decorator';
import { ApiErrors } from '../common/openapi';
import type { Principal } from '../common/principal';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns an access token' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(
    [401, 'wrong email or password'],
    [429, 'too many failed sign-ins for this email or from this address; see Retry-After'],
    [503, 'too many sign-ins being checked at once; retry after Retry-After seconds'],
  )
  login(@Body() dto: LoginDto, @Ip() ip: string) {
    return this.auth.login(dto, ip);
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the token belongs to: a user, or an API key' })
  @ApiExtraModels(UserView, ApiKeyIdentityView)
  @ApiOkResponse({
    schema: {
      oneOf: [{ $ref: getSchemaPath(UserView) }, { $ref: getSchemaPath(ApiKeyIdentityView) }],
    },
  })
  me(@CurrentPrincipal() principal: Principal) {
    return this.auth.me(principal);
  }
}
