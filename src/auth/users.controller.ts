import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { UserView } from './auth.dto';
import { CurrentPrincipal } from './current-principal.decorator';
import { CreateUserDto, UpdateUserDto } from './users.dto';
import { UsersService } from './users.service';
import type { Principal } from '../common/principal';
import { Allow, roles } from './allow.decorator';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Allow(roles('admin'))
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(403, [409, 'a user with this email already exists'])
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUserDto) {
    return this.users.create(principal, dto);
  }

  @Get()
  @Allow(roles('admin', 'lead'))
  @ApiOperation({ summary: 'List users (admin, lead)' })
  @ApiOkResponse({ type: [UserView] })
  @ApiErrors(403)
  list(@CurrentPrincipal() principal: Principal) {
    return this.users.list(principal);
  }

  @Patch(':id')
  @Allow(roles('admin'))
  @ApiOperation({
    summary: 'Change a user: name, password, roles, queues, disabled (admin)',
    description:
      "A change of password, roles, queues or disabled revokes every access token issued before it (401 on every instance) and disconnects the user's live sockets. Authorization is checked before the body: a non-admin gets 403 whatever they send. disabled must be a JSON boolean.",
  })
  @ApiOkResponse({ type: UserView })
  @ApiErrors(400, 403, 404, [
    409,
    'the last active admin cannot be disabled or lose the admin role',
  ])
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ) {
    return this.users.update(principal, id, dto);
  }
}
