import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './api-keys.dto';
import { ApiErrors } from '../common/openapi';
import { ApiKeysService } from './api-keys.service';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from '../common/principal';
import { Allow, roles } from './allow.decorator';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
@Allow(roles('admin'))
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for product systems (admin)' })
  @ApiErrors(403)
  @ApiCreatedResponse({
    type: CreatedApiKeyView,
    description: 'the key is shown only in this response',
  })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateApiKeyDto) {
    return this.keys.create(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, revoked ones included (admin)' })
  @ApiOkResponse({ type: [ApiKeyView] })
  @ApiErrors(403)
  list(@CurrentPrincipal() principal: Principal) {
    return this.keys.list(principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (admin)' })
  @ApiNoContentResponse({ description: 'revoked; the key stops working at once' })
  @ApiErrors(400, 403, 404)
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.keys.revoke(principal, id);
  }
}
