import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { clientAddressOf, CurrentActor, Public, Role, Roles, type Actor } from '@mes/auth';
import { CreateUserInput, LoginResultModel, UserModel } from './identity.model';
import { IdentityService } from './identity.service';

@Resolver()
export class IdentityResolver {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Mutation(() => LoginResultModel, { description: 'Exchange a username and password for a bearer token.' })
  login(
    @Args('username') username: string,
    @Args('password') password: string,
    @Context('req') req: Parameters<typeof clientAddressOf>[0],
  ): Promise<LoginResultModel> {
    return this.identity.login(username, password, clientAddressOf(req));
  }

  @Query(() => UserModel, { description: 'The logged-in user.' })
  me(@CurrentActor() actor: Actor): UserModel {
    return { id: actor.userId, username: actor.username, role: actor.role, active: true };
  }

  @Roles(Role.ADMIN)
  @Query(() => [UserModel])
  users(): Promise<UserModel[]> {
    return this.identity.listUsers();
  }

  @Roles(Role.ADMIN)
  @Mutation(() => UserModel)
  createUser(@CurrentActor() actor: Actor, @Args('input') input: CreateUserInput): Promise<UserModel> {
    return this.identity.createUser(actor, input);
  }
}
