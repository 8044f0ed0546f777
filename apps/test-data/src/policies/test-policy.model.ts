import { Field, Float, GraphQLISODateTime, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

@ObjectType('ProductTestPolicy', {
  description: 'A product’s sheet-test policy: retests of rig-fault cells and the low-yield hold threshold.',
})
export class ProductTestPolicyModel {
  @Field() productCode!: string;
  @Field(() => Int, { description: 'Retests a sheet waits for at its test while it has rig-fault cells (soft bin 0).' })
  maxRetests!: number;
  @Field(() => Float, { description: 'A sheet whose yield is below this fraction is held for engineering (0.8 = 80 %).' })
  yieldHoldBelow!: number;
  @Field({ description: 'True while nobody has set a policy for the product: the MES defaults apply.' }) isDefault!: boolean;
  @Field(() => String, { nullable: true }) updatedBy!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

@InputType({ description: 'A product’s new sheet-test policy.' })
export class ProductTestPolicyInput {
  @Field() @IsString() @MaxLength(64) productCode!: string;
  @Field(() => Int) maxRetests!: number;
  @Field(() => Float) yieldHoldBelow!: number;
}
