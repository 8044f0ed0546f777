import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import { ProductTestPolicyInput, ProductTestPolicyModel } from './test-policy.model';
import { TestPolicyService } from './test-policy.service';

@Resolver()
export class TestPolicyResolver {
  constructor(private readonly policies: TestPolicyService) {}

  @Query(() => ProductTestPolicyModel, { description: 'A product’s sheet-test policy (the MES defaults while none is set).' })
  productTestPolicy(@Args('productCode') productCode: string): Promise<ProductTestPolicyModel> {
    return this.policies.policy(productCode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => ProductTestPolicyModel, {
    description: 'Set a product’s retests of rig-fault cells and its low-yield hold threshold; applies to sheets binned from now on.',
  })
  setProductTestPolicy(@CurrentActor() actor: Actor, @Args('input') input: ProductTestPolicyInput): Promise<ProductTestPolicyModel> {
    return this.policies.setPolicy(actor, input);
  }
}
