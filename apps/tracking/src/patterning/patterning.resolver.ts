import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, clientAddressOf, CurrentActor, ENGINEERING, Roles, SignatureInput, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { ProductModel } from '../master-data/master-data.model';
import { SheetModel } from '../material/material.model';
import {
  CreatePatternLayoutInput,
  PatterningRunModel,
  PatternLayoutModel,
  PatternLayoutRefInput,
  PatternLayoutStateEnum,
  ProductPatternLayoutInput,
  RecordPatterningInput,
} from './patterning.model';
import { PatterningService } from './patterning.service';

@Resolver(() => PatternLayoutModel)
export class PatterningResolver {
  constructor(private readonly patterning: PatterningService) {}

  @Query(() => [PatternLayoutModel], { description: 'Pattern layouts, newest version first within a name; filter by name or state.' })
  patternLayouts(
    @Args('name', { nullable: true }) name?: string,
    @Args('state', { type: () => PatternLayoutStateEnum, nullable: true }) state?: PatternLayoutStateEnum,
  ): Promise<PatternLayoutModel[]> {
    return this.patterning.list({ name, state });
  }

  @Query(() => PatternLayoutModel)
  async patternLayout(@Args('name') name: string, @Args('version', { type: () => Int }) version: number): Promise<PatternLayoutModel> {
    const l = await this.patterning.find({ name, version });
    if (!l) throw new DomainError('NOT_FOUND', `Unknown pattern layout ${name} version ${version}`);
    return l;
  }

  @Query(() => PatterningRunModel, { nullable: true, description: 'How a sheet was patterned; null before patterning.' })
  patterningRun(@Args('sheetBarcode') sheetBarcode: string): Promise<PatterningRunModel | null> {
    return this.patterning.runOfSheet(sheetBarcode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => PatternLayoutModel, { description: 'A new DRAFT layout version (version 1 of a new name, or the next one).' })
  createPatternLayout(@CurrentActor() actor: Actor, @Args('input') input: CreatePatternLayoutInput): Promise<PatternLayoutModel> {
    return this.patterning.create(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => PatternLayoutModel, {
    description: 'Release a DRAFT layout, signed (password again and meaning); it never changes again.',
  })
  releasePatternLayout(
    @CurrentActor() actor: Actor,
    @Args('layout') ref: PatternLayoutRefInput,
    @Args('signature', { type: () => SignatureInput }) signature: SignatureInput,
    @Context('req') req: Parameters<typeof clientAddressOf>[0],
  ): Promise<PatternLayoutModel> {
    return this.patterning.release(actor, ref, signature, clientAddressOf(req));
  }

  @Roles(...ENGINEERING)
  @Mutation(() => PatternLayoutModel, { description: 'Retire a RELEASED layout: no new sheet may be patterned with it.' })
  obsoletePatternLayout(@CurrentActor() actor: Actor, @Args('layout') ref: PatternLayoutRefInput): Promise<PatternLayoutModel> {
    return this.patterning.obsolete(actor, ref);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => PatternLayoutModel, { description: "Allow a product's sheets to be patterned with a RELEASED layout that fits them." })
  allowPatternLayout(@CurrentActor() actor: Actor, @Args('input') input: ProductPatternLayoutInput): Promise<PatternLayoutModel> {
    return this.patterning.allow(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => PatternLayoutModel, { description: "Take a layout off a product's list (patterned sheets keep their grid)." })
  disallowPatternLayout(@CurrentActor() actor: Actor, @Args('input') input: ProductPatternLayoutInput): Promise<PatternLayoutModel> {
    return this.patterning.disallow(actor, input);
  }

  @Roles(...ANY_ROLE)
  @Mutation(() => PatterningRunModel, {
    description:
      'Record the patterning of a sheet tracked in at PATTERNING: the layout version, the tool settings and the measured alignment. The sheet takes the layout grid; past the layout tolerance it is held with the numbers.',
  })
  recordPatterning(@CurrentActor() actor: Actor, @Args('input') input: RecordPatterningInput): Promise<PatterningRunModel> {
    return this.patterning.record(actor, input);
  }
}

@Resolver(() => ProductModel)
export class ProductPatternLayoutsResolver {
  constructor(private readonly patterning: PatterningService) {}

  @ResolveField(() => [PatternLayoutModel], { description: 'The pattern layouts the product may be patterned with.' })
  patternLayouts(@Parent() p: ProductModel): Promise<PatternLayoutModel[]> {
    return this.patterning.allowedForProduct(p.code);
  }
}

@Resolver(() => SheetModel)
export class SheetPatterningResolver {
  constructor(private readonly service: PatterningService) {}

  @ResolveField(() => PatterningRunModel, { nullable: true, description: 'How the sheet was patterned; null before patterning.' })
  patterning(@Parent() s: SheetModel): Promise<PatterningRunModel | null> {
    return this.service.runOfSheet(s.barcode);
  }
}
