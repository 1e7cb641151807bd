import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { Repository } from 'typeorm';
import { requireUser } from './access';
import { hashPassword } from './passwords';
import { PrincipalResolver } from './principal-resolver.service';
import { User } from './user.entity';
import { CreateUserDto, UpdateUserDto } from './users.dto';
import type { Principal } from '../common/principal';
import { REDIS } from '../redis/redis.module';

export function toUserView(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    queues: user.queues,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt,
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly resolver: PrincipalResolver,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async create(principal: Principal, dto: CreateUserDto) {
    requireUser(principal, 'admin');
    const email = dto.email.trim().toLowerCase();
    const passwordHash = await hashPassword(dto.password);
    try {
      const user = await this.users.save(
        this.users.create({
          email,
          name: dto.name.trim(),
          passwordHash,
          roles: dto.roles,
          queues: dto.queues ?? [],
        }),
      );
      return toUserView(user);
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new ConflictException(`a user with email ${email} already exists`);
      throw error;
    }
  }

  async list(principal: Principal) {
    requireUser(principal, 'admin', 'lead');
    const users = await this.users.find({ order: { createdAt: 'ASC' } });
    return users.map(toUserView);
  }

  async update(principal: Principal, id: string, dto: UpdateUserDto) {
    requireUser(principal, 'admin');
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw new NotFoundException('user not found');
    if (dto.name !== undefined) user.name = dto.name.trim();
    if (dto.roles !== undefined) user.roles = dto.roles;
    if (dto.queues !== undefined) user.queues = dto.queues;
    if (dto.password !== undefined) user.passwordHash = await hashPassword(dto.password);
    if (dto.disabled !== undefined) user.disabledAt = dto.disabled ? new Date() : null;
    const saved = await this.users.save(user);
    await this.resolver.invalidate(this.redis);
    return toUserView(saved);
  }
}
