import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { requireUser } from './access';
import { ApiKey } from './api-key.entity';
import { CreateApiKeyDto } from './api-keys.dto';
import { hashApiKey, PrincipalResolver } from './principal-resolver.service';
import type { Principal } from '../common/principal';

function toView(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    keyPrefix: key.keyPrefix,
    queues: key.queues,
    scopes: key.scopes,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly resolver: PrincipalResolver,
  ) {}

  async create(principal: Principal, dto: CreateApiKeyDto) {
    const admin = requireUser(principal, 'admin');
    const key = `vk_${randomBytes(32).toString('base64url')}`;
    const saved = await this.keys.save(
      this.keys.create({
        name: dto.name.trim(),
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, 10),
        queues: dto.queues,
        scopes: dto.scopes,
        createdBy: admin.id,
      }),
    );
    return { ...toView(saved), key };
  }

  async list(principal: Principal) {
    requireUser(principal, 'admin');
    return (await this.keys.find({ order: { createdAt: 'DESC' } })).map(toView);
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    requireUser(principal, 'admin');
    const result = await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    if (!result.affected) {
      const exists = await this.keys.exists({ where: { id } });
      if (!exists) throw new NotFoundException('api key not found');
    }
    await this.resolver.invalidate();
  }
}
