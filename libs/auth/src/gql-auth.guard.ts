import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError } from '@mes/service-core';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import type { Actor, Role } from './role';
import { TokenService } from './token.service';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/**
 * Global guard of a subgraph: every GraphQL operation needs a valid bearer token unless marked
 * @Public(); @Roles() narrows who may call it. Federation's own entity and SDL fields stay open
 * so the gateway can compose and plan.
 */
@Injectable()
export class GqlAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const field = gql.getInfo<{ fieldName: string }>().fieldName;
    if (field === '_service') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = gql.getContext<{ req: RequestLike }>().req;
    const header = req.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
    if (!match)
      throw new DomainError('UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token> from the login mutation');
    const actor = this.tokens.verify(match[1].trim());
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'The bearer token is invalid or expired: log in again');
    req.actor = actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) {
      throw new DomainError('FORBIDDEN', `${field} needs role ${roles.join(' or ')}; ${actor.username} has role ${actor.role}`);
    }
    return true;
  }
}
