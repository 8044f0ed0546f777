import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { clientAddressOf, CurrentActor, ENGINEERING, Roles, SignatureInput, type Actor } from '@mes/auth';
import { RebinInput, RebinRequestModel, RuleSetVersionModel } from './rule-set.model';
import { RuleSetService } from './rule-set.service';

@Resolver()
export class RuleSetResolver {
  constructor(private readonly service: RuleSetService) {}

  @Query(() => [RuleSetVersionModel], { description: 'Every version of a product’s bin rule set, oldest first.' })
  ruleSets(@Args('productCode') productCode: string): Promise<RuleSetVersionModel[]> {
    return this.service.ruleSets(productCode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RuleSetVersionModel, {
    description: 'A new DRAFT version of a product’s rule set from JSON (validated; numbered as the next version).',
  })
  createRuleSetDraft(
    @CurrentActor() actor: Actor,
    @Args('productCode') productCode: string,
    @Args('ruleSet', { description: 'A @mes/binning RuleSet as JSON text.' }) ruleSet: string,
  ): Promise<RuleSetVersionModel> {
    return this.service.createDraft(actor, productCode, ruleSet);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RuleSetVersionModel, {
    description:
      'Release a DRAFT, signed (password again and meaning): tests binned from now on, and re-binning, use the newest released version.',
  })
  releaseRuleSet(
    @CurrentActor() actor: Actor,
    @Args('productCode') productCode: string,
    @Args('version', { type: () => Int }) version: number,
    @Args('signature', { type: () => SignatureInput }) signature: SignatureInput,
    @Context('req') req: Parameters<typeof clientAddressOf>[0],
  ): Promise<RuleSetVersionModel> {
    return this.service.release(actor, productCode, version, signature, clientAddressOf(req));
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RebinRequestModel, {
    description:
      'Re-bin the tests of a sheet, a roll or a time range with their products’ newest released rule sets, in the background, from the stored features.',
  })
  rebin(@CurrentActor() actor: Actor, @Args('input') input: RebinInput): Promise<RebinRequestModel> {
    return this.service.rebin(actor, input);
  }

  @Query(() => RebinRequestModel, { description: 'A rebin request and how far it got.' })
  rebinRequest(@Args('id', { type: () => ID }) id: string): Promise<RebinRequestModel> {
    return this.service.rebinRequest(id);
  }
}
