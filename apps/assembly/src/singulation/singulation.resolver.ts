import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, CurrentActor, Roles, type Actor } from '@mes/auth';
import { PickMapModel, PickStrategyEnum, SingulationReportInput, SingulationYieldModel } from './singulation.model';
import { SingulationService } from './singulation.service';

@Resolver()
export class SingulationResolver {
  constructor(private readonly singulation: SingulationService) {}

  @Query(() => PickMapModel, {
    description: 'Which cells of a sheet to pick into which carrier pocket, from current results, holds and open work orders.',
  })
  async pickMap(
    @Args('sheet') sheet: string,
    @Args('strategy', { type: () => PickStrategyEnum, defaultValue: PickStrategyEnum.GRADED }) strategy: PickStrategyEnum,
  ): Promise<PickMapModel> {
    return (await this.singulation.pickMap(sheet, strategy)) as PickMapModel;
  }

  @Query(() => SingulationYieldModel, {
    nullable: true,
    description: 'Test yield and singulation loss of a singulated sheet; null before its report.',
  })
  singulationYield(@Args('sheet') sheet: string): Promise<SingulationYieldModel | null> {
    return this.singulation.yieldOf(sheet);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => SingulationYieldModel, { description: 'The singulation station reports the cells it picked and those that broke.' })
  reportSingulation(@CurrentActor() actor: Actor, @Args('input') input: SingulationReportInput): Promise<SingulationYieldModel> {
    return this.singulation.report(actor, input);
  }
}
