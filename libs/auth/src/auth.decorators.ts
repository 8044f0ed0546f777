import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor, Role } from './role';

export const PUBLIC_KEY = 'mes:public';
export const ROLES_KEY = 'mes:roles';

/** The operation needs no token (only `login`). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The caller's role must be one of these. */
export const Roles = (...roles: readonly Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated caller, as the guard put it on the request. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const gql = GqlExecutionContext.create(context).getContext<{ req: { actor?: Actor } }>();
  if (!gql.req.actor) throw new Error('CurrentActor used on an operation without authentication');
  return gql.req.actor;
});
