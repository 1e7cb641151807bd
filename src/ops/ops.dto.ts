import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HealthChecksDto {
  @ApiProperty({ enum: ['up', 'down'] }) database!: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) redis!: 'up' | 'down';
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiProperty({ type: HealthChecksDto }) checks!: HealthChecksDto;
}

export class VersionDto {
  @ApiProperty({ example: '0.1.0', description: 'the package version' }) version!: string;
  @ApiPropertyOptional({
    example: '2bfc99614c0c2b1f6f7e3d4c5b6a79881726354a',
    description: 'the git commit it was built from, when known',
  })
  commit?: string;
}
