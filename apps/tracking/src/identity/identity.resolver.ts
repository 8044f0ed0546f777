import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, clientAddressOf, CurrentActor, Public, Role, Roles, SignatureInput, type Actor } from '@mes/auth';
import { CreateUserInput, LoginResultModel, SignatureModel, UserModel } from './identity.model';
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

  @Roles(...ANY_ROLE)
  @Mutation(() => SignatureModel, {
    description:
      "Check an electronic signature of the signed-in user (the password again, and its meaning). The services that own a signed release (test-data's rule sets, process's recipes) ask this for the user; a wrong password counts as a failed login.",
  })
  verifySignature(
    @CurrentActor() actor: Actor,
    @Args('signature') signature: SignatureInput,
    @Context('req') req: Parameters<typeof clientAddressOf>[0],
  ): Promise<SignatureModel> {
    return this.identity.verifySignature(actor, signature, clientAddressOf(req));
  }
}
