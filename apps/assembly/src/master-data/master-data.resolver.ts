import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import { CreateStackProductInput, CreateWorkOrderInput, StackProductModel, WorkOrderModel } from './master-data.model';
import { AssemblyMasterDataService } from './master-data.service';

@Resolver()
export class AssemblyMasterDataResolver {
  constructor(private readonly masterData: AssemblyMasterDataService) {}

  @Query(() => [StackProductModel])
  stackProducts(): Promise<StackProductModel[]> {
    return this.masterData.stackProducts();
  }

  @Query(() => [WorkOrderModel], { description: 'Work orders, open ones first.' })
  async workOrders(@Args('openOnly', { defaultValue: false }) openOnly: boolean): Promise<WorkOrderModel[]> {
    return (await this.masterData.workOrders({ openOnly })).map(({ product: _product, ...wo }) => wo);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => StackProductModel, { description: 'A new stack product with its matching rules and final-test limits.' })
  createStackProduct(@CurrentActor() actor: Actor, @Args('input') input: CreateStackProductInput): Promise<StackProductModel> {
    return this.masterData.createStackProduct(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => WorkOrderModel, { description: 'A work order: a stack product and how many stacks to build.' })
  createWorkOrder(@CurrentActor() actor: Actor, @Args('input') input: CreateWorkOrderInput): Promise<WorkOrderModel> {
    return this.masterData.createWorkOrder(actor, input);
  }
}
