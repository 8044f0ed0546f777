import { Args, Float, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, CurrentActor, Roles, type Actor } from '@mes/auth';
import {
  AddStackLayerInput,
  ScanStackInput,
  StackModel,
  StackProposalModel,
  StackTestInput,
  StartStackInput,
  WhereUsedStackModel,
} from './stack.model';
import { StackService } from './stack.service';

@Resolver(() => StackModel)
export class StackResolver {
  constructor(private readonly stacks: StackService) {}

  @Query(() => StackModel, {
    description: 'A stack: layers in order with their cells’ origin, its final tests, and the holds that reach it.',
  })
  stack(@Args('barcode') barcode: string): Promise<StackModel> {
    return this.stacks.view(barcode);
  }

  @Query(() => StackProposalModel, { description: 'The complete stacks that could be formed now from the singulated cells of one grade.' })
  stackProposal(@Args('productCode') productCode: string, @Args('grade', { type: () => Int }) grade: number): Promise<StackProposalModel> {
    return this.stacks.proposal(productCode, grade);
  }

  @Query(() => [WhereUsedStackModel], {
    description: 'Every stack holding a cell of a roll (optionally an MD region [mdFromMm, mdToMm)) or of a sheet.',
  })
  stacksWhereUsed(
    @Args('roll', { nullable: true }) roll?: string,
    @Args('mdFromMm', { type: () => Float, nullable: true }) mdFromMm?: number,
    @Args('mdToMm', { type: () => Float, nullable: true }) mdToMm?: number,
    @Args('sheet', { nullable: true }) sheet?: string,
  ): Promise<WhereUsedStackModel[]> {
    return this.stacks.whereUsed({ roll, mdFromMm, mdToMm, sheet });
  }

  @Query(() => [WhereUsedStackModel], {
    description: 'Every stack holding a cell a hold covers (on the roll, region, sheet or cell it names).',
  })
  stacksWhereUsedByHold(@Args('holdId', { type: () => ID }) holdId: string): Promise<WhereUsedStackModel[]> {
    return this.stacks.whereUsedByHold(holdId);
  }

  @Query(() => [WhereUsedStackModel], {
    description: 'Every stack holding a cell a process run made (its MD segment, through splices and slits).',
  })
  stacksWhereUsedByRun(@Args('runId', { type: () => ID }) runId: string): Promise<WhereUsedStackModel[]> {
    return this.stacks.whereUsedByRun(runId);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => StackModel, {
    description: 'Scan a new stack label at a STACKING station: the stack is started for a stack product (and a work order).',
  })
  startStack(@CurrentActor() actor: Actor, @Args('input') input: StartStackInput): Promise<StackModel> {
    return this.stacks.start(actor, input);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => StackModel, { description: 'Scan the next layer cell of a stack; the layer order is the scan order.' })
  addStackLayer(@CurrentActor() actor: Actor, @Args('input') input: AddStackLayerInput): Promise<StackModel> {
    return this.stacks.addLayer(actor, input);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => StackModel, {
    description:
      'Scan a stack at a station of its route (STACKING → FORMATION → STACK_TEST): it moves to the station’s step, or is refused saying why.',
  })
  scanStack(@CurrentActor() actor: Actor, @Args('input') input: ScanStackInput): Promise<StackModel> {
    return this.stacks.scan(actor, input);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => StackModel, { description: 'A stack final test: OCV and spectrum, binned against 1/Σ(1/Z) of its layers.' })
  postStackTest(@CurrentActor() actor: Actor, @Args('input') input: StackTestInput): Promise<StackModel> {
    return this.stacks.test(actor, input);
  }
}
