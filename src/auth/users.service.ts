import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { requireUser } from './access';
import { hashPassword } from './passwords';
import { PrincipalResolver } from './principal-resolver.service';
import { User } from './user.entity';
import { CreateUserDto, UpdateUserDto } from './users.dto';
import type { Principal } from '../common/principal';
import { isUniqueViolation } from '../common/pg-errors';

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
      if (isUniqueViolation(error))
        throw new ConflictException(`a user with email ${email} already exists`);
      throw error;
    }
  }

  async list(principal: Principal) {
    requireUser(principal, 'admin', 'lead');
    const users = await this.users.find({ order: { createdAt: 'ASC' } });
    return users.map(toUserView);
  }

  /**
   * Changes a user. A change of password, roles, queues or disabled state bumps the token version:
   * every token issued before it is refused on every instance, and the user's live sockets close.
   * The last active admin cannot be disabled or lose the role (409), checked under a lock on the
   * admin rows so two concurrent demotions cannot both pass.
   */
  async update(principal: Principal, id: string, dto: UpdateUserDto) {
    requireUser(principal, 'admin');
    const passwordHash = dto.password !== undefined ? await hashPassword(dto.password) : undefined;
    const { saved, revoked } = await this.users.manager.transaction(async (manager) => {
      const admins: { id: string }[] = await manager.query(
        `SELECT id FROM users WHERE 'admin' = ANY (roles) AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
      );
      const user = await manager.findOne(User, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) throw new NotFoundException('user not found');
      const sameSet = (a: string[], b: string[]) =>
        a.length === b.length && a.every((x) => b.includes(x));
      const rolesChange = dto.roles !== undefined && !sameSet(dto.roles, user.roles);
      const queuesChange = dto.queues !== undefined && !sameSet(dto.queues, user.queues);
      const disabledChange =
        typeof dto.disabled === 'boolean' && dto.disabled !== (user.disabledAt !== null);
      const staysActiveAdmin =
        (dto.roles ?? user.roles).includes('admin') && !(dto.disabled ?? user.disabledAt !== null);
      if (admins.some((a) => a.id === id) && admins.length === 1 && !staysActiveAdmin)
        throw new ConflictException(
          'this is the last active admin: it cannot be disabled or lose the admin role',
        );
      if (dto.name !== undefined) user.name = dto.name.trim();
      if (dto.roles !== undefined) user.roles = dto.roles;
      if (dto.queues !== undefined) user.queues = dto.queues;
      if (passwordHash !== undefined) user.passwordHash = passwordHash;
      if (disabledChange) user.disabledAt = dto.disabled ? new Date() : null;
      const revoke = passwordHash !== undefined || rolesChange || queuesChange || disabledChange;
      if (revoke) user.tokenVersion += 1;
      return { saved: await manager.save(user), revoked: revoke };
    });
    await this.resolver.invalidate(revoked ? saved.id : undefined);
    return toUserView(saved);
  }
}
