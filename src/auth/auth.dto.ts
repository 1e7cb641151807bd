import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

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
  @ApiProperty({ example: ['reviewer'] }) roles!: string[];
  @ApiProperty({ example: ['support-replies'] }) queues!: string[];
}

export class LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ example: 43200, description: 'seconds until the token expires' })
  expiresIn!: number;
  @ApiProperty({ type: UserView }) user!: UserView;
}
