import { JwtService } from '@nestjs/jwt';
import { ROLES, type Actor, type Role } from './role';

interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
}

/** Signs and checks the bearer tokens every subgraph accepts (HS256 with the shared secret). */
export class TokenService {
  private readonly jwt: JwtService;

  constructor(secret: string, private readonly ttlSeconds: number) {
    this.jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  }

  sign(actor: Actor): string {
    const claims: TokenClaims = { sub: actor.userId, username: actor.username, role: actor.role };
    return this.jwt.sign(claims, { expiresIn: this.ttlSeconds });
  }

  /** The actor a token names, or null when it is missing, forged, expired or malformed. */
  verify(token: string): Actor | null {
    try {
      const claims = this.jwt.verify<TokenClaims & { exp: number }>(token);
      if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) return null;
      return { userId: claims.sub, username: claims.username, role: claims.role };
    } catch {
      return null;
    }
  }
}
