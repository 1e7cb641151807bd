import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES, type Role } from '../common/principal';

export class CreateUserDto {
  @ApiProperty({ example: 'ana@example.com' })
  @IsEmail(
    { require_tld: false, allow_ip_domain: true },
    { message: 'email must be an email address' },
  )
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'Ana Reviewer' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'a long passphrase', minLength: 8 })
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['reviewer'] })
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `roles must each be one of ${ROLES.join(', ')}` })
  roles!: Role[];

  @ApiPropertyOptional({
    example: ['support-replies'],
    description: 'queue slugs the user reviews',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { each: true, message: 'queues must each be a queue slug' })
  queues?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(8) @MaxLength(1024) password?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `roles must each be one of ${ROLES.join(', ')}` })
  roles?: Role[];

  @ApiPropertyOptional({ example: ['support-replies'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { each: true, message: 'queues must each be a queue slug' })
  queues?: string[];

  @ApiPropertyOptional({ description: 'true disables sign-in and revokes tokens' })
  @IsOptional()
  @IsBoolean({ message: 'disabled must be true or false (a JSON boolean)' })
  disabled?: boolean;
}
