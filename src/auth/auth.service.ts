import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { LoginDto } from './auth.dto';
import { verifyPassword } from './passwords';
import { User } from './user.entity';
import { toUserView } from './users.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { Principal } from '../common/principal';

// Verifying against a real hash when the email is unknown keeps response times alike,
// so timing does not reveal which emails have accounts.
const DUMMY_HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0mVXTHgnSc1OQ6ZbJ0vDOMaFQ3ZmWzJ9ZIOUIsd+5vk';

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(dto: LoginDto) {
    const user = await this.users.findOne({ where: { email: dto.email.trim().toLowerCase() } });
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, dto.password);
    if (!user || !ok || user.disabledAt) throw new UnauthorizedException('wrong email or password');
    const accessToken = await this.jwt.signAsync(
      { sub: user.id },
      { expiresIn: this.config.jwtTtlSeconds },
    );
    return { accessToken, expiresIn: this.config.jwtTtlSeconds, user: toUserView(user) };
  }

  async me(principal: Principal) {
    if (principal.kind === 'apiKey')
      return {
        kind: 'apiKey',
        id: principal.id,
        name: principal.name,
        queues: principal.queues,
        scopes: principal.scopes,
      };
    const user = await this.users.findOneOrFail({ where: { id: principal.id } });
    return toUserView(user);
  }
}
