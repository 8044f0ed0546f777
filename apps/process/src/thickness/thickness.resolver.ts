import { Args, Float, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import type { ThicknessMapEntity } from '../database/process.entities';
import { ProductSettingsModel, ThicknessMapInput, ThicknessMapModel } from './thickness.model';
import { ThicknessService } from './thickness.service';

/** Layer thickness maps from metrology, and the product settings that turn thickness into capacity. */
@Resolver()
export class ThicknessResolver {
  constructor(private readonly thickness: ThicknessService) {}

  @Roles(...ANY_ROLE)
  @Mutation(() => ThicknessMapModel, { description: 'Metrology posts a layer thickness map of a roll.' })
  postThicknessMap(@CurrentActor() actor: Actor, @Args('input') input: ThicknessMapInput): Promise<ThicknessMapEntity> {
    return this.thickness.post(actor, input);
  }

  @Query(() => [ThicknessMapModel], { description: 'Thickness maps of a roll, newest first within a layer.' })
  thicknessMaps(@Args('rollBarcode') rollBarcode: string): Promise<ThicknessMapEntity[]> {
    return this.thickness.maps(rollBarcode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => ProductSettingsModel, { description: 'The fraction of LCO capacity a product’s cells deliver (for predicted capacity).' })
  setLcoUtilization(
    @CurrentActor() actor: Actor,
    @Args('productCode') productCode: string,
    @Args('lcoUtilization', { type: () => Float }) utilization: number,
  ): Promise<ProductSettingsModel> {
    return this.thickness.setLcoUtilization(actor, productCode, utilization);
  }

  @Query(() => ProductSettingsModel, { nullable: true })
  productProcessSettings(@Args('productCode') productCode: string): Promise<ProductSettingsModel | null> {
    return this.thickness.settings(productCode);
  }
}
