import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { clientAddressOf, CurrentActor, ENGINEERING, Roles, SignatureInput, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import {
  CreateRecipeInput,
  RecipeModel,
  RecipeRefInput,
  RecipeStateEnum,
  RouteStepRecipesInput,
  RouteStepRecipesModel,
} from './recipe.model';
import { RecipeService, toRecipeModel } from './recipe.service';

@Resolver(() => RecipeModel)
export class RecipeResolver {
  constructor(private readonly recipeService: RecipeService) {}

  @Query(() => [RecipeModel], { description: 'Recipes, newest version first within a name; filter by name, operation or state.' })
  async recipes(
    @Args('name', { nullable: true }) name?: string,
    @Args('operation', { nullable: true }) operation?: string,
    @Args('state', { type: () => RecipeStateEnum, nullable: true }) state?: RecipeStateEnum,
  ): Promise<RecipeModel[]> {
    return (await this.recipeService.list({ name, operation, state })).map(toRecipeModel);
  }

  @Query(() => RecipeModel)
  async recipe(@Args('name') name: string, @Args('version', { type: () => Int }) version: number): Promise<RecipeModel> {
    const r = await this.recipeService.find(name, version);
    if (!r) throw new DomainError('NOT_FOUND', `Unknown recipe ${name} version ${version}`);
    return toRecipeModel(r);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RecipeModel, { description: 'A new DRAFT recipe version.' })
  async createRecipe(@CurrentActor() actor: Actor, @Args('input') input: CreateRecipeInput): Promise<RecipeModel> {
    return toRecipeModel(await this.recipeService.create(actor, input));
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RecipeModel, {
    description: 'Release a DRAFT, signed (password again and meaning): from now on it can run and never changes.',
  })
  async releaseRecipe(
    @CurrentActor() actor: Actor,
    @Args('recipe') ref: RecipeRefInput,
    @Args('signature', { type: () => SignatureInput }) signature: SignatureInput,
    @Context('req') req: Parameters<typeof clientAddressOf>[0],
  ): Promise<RecipeModel> {
    return toRecipeModel(await this.recipeService.release(actor, ref.name, ref.version, signature, clientAddressOf(req)));
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RecipeModel, { description: 'Retire a RELEASED version: no new run may use it.' })
  async obsoleteRecipe(@CurrentActor() actor: Actor, @Args('recipe') ref: RecipeRefInput): Promise<RecipeModel> {
    return toRecipeModel(await this.recipeService.transition(actor, ref.name, ref.version, 'OBSOLETE'));
  }

  @Query(() => [RouteStepRecipesModel], { description: 'What each route step of a product allows.' })
  routeStepRecipes(
    @Args('productCode') productCode: string,
    @Args('operation', { nullable: true }) operation?: string,
  ): Promise<RouteStepRecipesModel[]> {
    return this.recipeService.routeStepRecipes(productCode, operation);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RouteStepRecipesModel, { description: 'Set the recipes and equipment a product route step allows.' })
  setRouteStepRecipes(@CurrentActor() actor: Actor, @Args('input') input: RouteStepRecipesInput): Promise<RouteStepRecipesModel> {
    return this.recipeService.setRouteStepRecipes(actor, input);
  }
}
