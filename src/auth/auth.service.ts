import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { LoginDto } from './auth.dto';
import { LoginThrottle } from './login-throttle.service';
import { hashPassword, needsRehash, verifyPassword } from './passwords';
import { User } from './user.entity';
import { toUserView } from './users.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { Principal } from '../common/principal';

// Verifying against a real hash when the email is unknown keeps response times alike,
// so timing does not reveal which emails have accounts.
// Same parameters as real hashes (passwords.ts), so it costs the same.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,p=1,t=2$PTbLbgP6AQEy7sbya0g0Pg$LCVtqcMulZi1WWYJJ4aG99fmQwqj+FmZBI7i8LSgRew';

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `ip` is the client address (X-Forwarded-For only from hops TRUST_PROXY trusts; loopback by default). */
  async login(dto: LoginDto, ip = '') {
    await this.throttle.check(dto.email, ip);
    const user = await this.users.findOne({ where: { email: dto.email.trim().toLowerCase() } });
    // Past the hashing queue this throws HashingBusy: 503 + Retry-After.
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, dto.password);
    if (!user || !ok || user.disabledAt) {
      await this.throttle.failed(dto.email, ip);
      throw new UnauthorizedException('wrong email or password');
    }
    await this.throttle.succeeded(dto.email);
    if (needsRehash(user.passwordHash)) {
      // Upgrades hashes made with older parameters; a failure here must not fail the sign-in.
      const rehashed = await hashPassword(dto.password).catch(() => null);
      if (rehashed) await this.users.update(user.id, { passwordHash: rehashed }).catch(() => null);
    }
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, tv: user.tokenVersion },
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
