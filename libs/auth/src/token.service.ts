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
  // Every request carries a token and a station sends the same one all shift: verifying it anew
  // each time costs a key import per call (a tenth of a scan's CPU), so verified tokens are kept
  // until they expire.
  private readonly verified = new Map<string, { actor: Actor; expiresAtMs: number }>();

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  }

  sign(actor: Actor): string {
    const claims: TokenClaims = { sub: actor.userId, username: actor.username, role: actor.role };
    return this.jwt.sign(claims, { expiresIn: this.ttlSeconds });
  }

  /** The actor a token names, or null when it is missing, forged, expired or malformed. */
  verify(token: string): Actor | null {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.expiresAtMs > Date.now()) return hit.actor;
      this.verified.delete(token);
    }
    try {
      const claims = this.jwt.verify<TokenClaims & { exp: number }>(token);
      if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) return null;
      const actor = { userId: claims.sub, username: claims.username, role: claims.role };
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, { actor, expiresAtMs: claims.exp * 1000 });
      return actor;
    } catch {
      return null;
    }
  }
}
