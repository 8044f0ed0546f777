import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import { CyclingCorrelationModel, CyclingStatsModel, ImportCyclerResultsInput } from './cycling.model';
import { CyclingService } from './cycling.service';

@Resolver()
export class CyclingResolver {
  constructor(private readonly cycling: CyclingService) {}

  @Roles(...ENGINEERING)
  @Mutation(() => CyclingStatsModel, {
    description: 'Import a sample stack’s per-cycle results from a cycler CSV (replaces earlier cycles of the stack).',
  })
  importCyclerResults(@CurrentActor() actor: Actor, @Args('input') input: ImportCyclerResultsInput): Promise<CyclingStatsModel> {
    return this.cycling.import(actor, input);
  }

  @Query(() => CyclingCorrelationModel, {
    description: 'Cycled stacks of a product with retention, CE and their layers’ mean ASR and roll position.',
  })
  cyclingByProduct(@Args('productCode') productCode: string): Promise<CyclingCorrelationModel> {
    return this.cycling.correlation(productCode);
  }
}
