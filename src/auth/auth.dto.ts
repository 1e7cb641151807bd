import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { API_KEY_SCOPES, ROLES, type ApiKeyScope, type Role } from '../common/principal';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail(
    { require_tld: false, allow_ip_domain: true },
    { message: 'email must be an email address' },
  )
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ana@example.com' }) email!: string;
  @ApiProperty({ example: 'Ana' }) name!: string;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['reviewer'] }) roles!: Role[];
  @ApiProperty({ type: [String], example: ['support-replies'] }) queues!: string[];
  @ApiProperty({ description: 'a disabled user cannot sign in' }) disabled!: boolean;
  @ApiProperty() createdAt!: Date;
}

/** GET /v1/auth/me for an API key. */
export class ApiKeyIdentityView {
  @ApiProperty({ enum: ['apiKey'] }) kind!: 'apiKey';
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'support bot (production)' }) name!: string;
  @ApiProperty({ type: [String], example: ['support-replies'] }) queues!: string[];
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['items:write'] })
  scopes!: ApiKeyScope[];
}

export class LoginResponse {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' })
  accessToken!: string;
  @ApiProperty({ example: 43200, description: 'seconds until the token expires' })
  expiresIn!: number;
  @ApiProperty({ type: UserView }) user!: UserView;
}
