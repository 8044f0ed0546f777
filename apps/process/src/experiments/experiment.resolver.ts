import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import type { ExperimentEntity } from '../database/process.entities';
import { ProcessRunModel } from '../runs/run.model';
import { RunViews } from '../runs/run.views';
import { CreateExperimentInput, ExperimentModel } from './experiment.model';
import { ExperimentService } from './experiment.service';

@Resolver(() => ExperimentModel)
export class ExperimentResolver {
  constructor(
    private readonly experimentService: ExperimentService,
    private readonly views: RunViews,
  ) {}

  @Roles(...ENGINEERING)
  @Mutation(() => ExperimentModel, { description: 'Split a roll into MD regions that run alternate recipe versions at one operation.' })
  createExperiment(@CurrentActor() actor: Actor, @Args('input') input: CreateExperimentInput): Promise<ExperimentEntity> {
    return this.experimentService.create(actor, input);
  }

  @Query(() => ExperimentModel)
  async experiment(@Args('code') code: string): Promise<ExperimentEntity> {
    const e = await this.experimentService.byCode(code);
    if (!e) throw new DomainError('NOT_FOUND', `Unknown experiment ${code}`);
    return e;
  }

  @Query(() => [ExperimentModel])
  experiments(@Args('rollBarcode', { nullable: true }) rollBarcode?: string): Promise<ExperimentEntity[]> {
    return this.experimentService.list(rollBarcode);
  }

  @ResolveField(() => [ProcessRunModel])
  async runs(@Parent() e: ExperimentEntity): Promise<ProcessRunModel[]> {
    return this.views.of(await this.experimentService.runsOf(e.id));
  }
}
