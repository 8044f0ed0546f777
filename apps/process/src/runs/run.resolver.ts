import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, CurrentActor, Roles, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { CompleteProcessRunInput, ProcessRunModel, StartProcessRunInput } from './run.model';
import { RunViews } from './run.views';
import { RunService } from './run.service';

@Resolver(() => ProcessRunModel)
export class RunResolver {
  constructor(
    private readonly runs: RunService,
    private readonly views: RunViews,
  ) {}

  @Roles(...ANY_ROLE)
  @Mutation(() => ProcessRunModel, {
    description: 'Track in on equipment with a RELEASED recipe version allowed for the product, step and equipment.',
  })
  async startProcessRun(@CurrentActor() actor: Actor, @Args('input') input: StartProcessRunInput): Promise<ProcessRunModel> {
    return (await this.views.of([await this.runs.start(actor, input)]))[0];
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => ProcessRunModel, {
    description: 'Track out with the actual value of every required parameter; out-of-spec values hold the segment.',
  })
  async completeProcessRun(@CurrentActor() actor: Actor, @Args('input') input: CompleteProcessRunInput): Promise<ProcessRunModel> {
    return (await this.views.of([await this.runs.complete(actor, input)]))[0];
  }

  @Query(() => ProcessRunModel)
  async processRun(@Args('id', { type: () => ID }) id: string): Promise<ProcessRunModel> {
    const run = await this.runs.byId(id);
    if (!run) throw new DomainError('NOT_FOUND', `Unknown process run ${id}`);
    return (await this.views.of([run]))[0];
  }

  @Query(() => [ProcessRunModel], { description: 'Process runs, newest first, by roll, equipment or state.' })
  async processRuns(
    @Args('rollBarcode', { nullable: true }) rollBarcode?: string,
    @Args('equipmentCode', { nullable: true }) equipmentCode?: string,
    @Args('state', { nullable: true }) state?: string,
    @Args('limit', { type: () => Int, defaultValue: 200 }) limit = 200,
  ): Promise<ProcessRunModel[]> {
    return this.views.of(await this.runs.list({ rollBarcode, equipmentCode, state, limit: Math.min(Math.max(limit, 1), 2000) }));
  }
}
