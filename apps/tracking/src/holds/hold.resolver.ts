import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, clientAddressOf, CurrentActor, ENGINEERING, Roles, SignatureInput, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { MaterialRepository } from '../material/material.repository';
import { HoldModel, PlaceHoldInput, ReleaseHoldInput } from './hold.model';
import { HoldService } from './hold.service';

@Resolver()
export class HoldResolver {
  constructor(
    private readonly holds: HoldService,
    private readonly material: MaterialRepository,
  ) {}

  @Query(() => [HoldModel], { description: 'Holds, newest first; optionally only active ones, or those on one roll and its sheets.' })
  async holdList(
    @Args('active', { nullable: true }) active?: boolean,
    @Args('rollBarcode', { nullable: true }) rollBarcode?: string,
    @Args('limit', { type: () => Int, defaultValue: 200 }) limit = 200,
  ): Promise<HoldModel[]> {
    let rollId: string | undefined;
    if (rollBarcode) {
      const roll = await this.material.rollByBarcode(rollBarcode);
      if (!roll) throw new DomainError('UNKNOWN_BARCODE', `Unknown roll barcode ${rollBarcode}`);
      rollId = roll.id;
    }
    return this.holds.list({ active, rollId, limit: Math.min(Math.max(limit, 1), 2000) });
  }

  @Query(() => HoldModel, { description: 'One hold by its id.' })
  async hold(@Args('id', { type: () => ID }) id: string): Promise<HoldModel> {
    const hold = await this.holds.byId(id);
    if (!hold) throw new DomainError('NOT_FOUND', `Unknown hold ${id}`, [{ path: 'id', message: 'expected the id of a hold' }]);
    return hold;
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => HoldModel, { description: 'Stop material: a roll, an MD region of a roll, a sheet or a cell.' })
  placeHold(@CurrentActor() actor: Actor, @Args('input') input: PlaceHoldInput): Promise<HoldModel> {
    return this.holds.place(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => HoldModel, { description: 'An engineer’s decision on held material, signed (password again and meaning).' })
  releaseHold(
    @CurrentActor() actor: Actor,
    @Args('input') input: ReleaseHoldInput,
    @Args('signature', { type: () => SignatureInput }) signature: SignatureInput,
    @Context('req') req: Parameters<typeof clientAddressOf>[0],
  ): Promise<HoldModel> {
    return this.holds.release(actor, input, signature, clientAddressOf(req));
  }
}
