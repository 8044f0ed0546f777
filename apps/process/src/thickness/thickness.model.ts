import { Field, Float, GraphQLISODateTime, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDate, IsEnum, IsNumber, IsString, MaxLength } from 'class-validator';

export enum LayerEnum {
  SUBSTRATE = 'SUBSTRATE',
  LCO = 'LCO',
  LIPON = 'LIPON',
  INTERLAYER = 'INTERLAYER',
  NEG_COLLECTOR = 'NEG_COLLECTOR',
}
registerEnumType(LayerEnum, { name: 'Layer', description: 'A film whose thickness metrology maps.' });

@InputType({ description: 'A thickness map from metrology: valuesUm[i * cdMm.length + j] is at (mdMm[i], cdMm[j]).' })
export class ThicknessMapInput {
  @Field() @IsString() rollBarcode!: string;
  @Field(() => LayerEnum) @IsEnum(LayerEnum) layer!: LayerEnum;
  @Field() @IsString() @MaxLength(64) instrument!: string;
  @Field(() => GraphQLISODateTime) @IsDate() measuredAt!: Date;
  @Field(() => [Float]) @IsArray() @ArrayMinSize(2) @ArrayMaxSize(1000) @IsNumber({}, { each: true }) cdMm!: number[];
  @Field(() => [Float]) @IsArray() @ArrayMinSize(2) @ArrayMaxSize(1000) @IsNumber({}, { each: true }) mdMm!: number[];
  @Field(() => [Float]) @IsArray() @ArrayMaxSize(1_000_000) @IsNumber({}, { each: true }) valuesUm!: number[];
}

@ObjectType('ThicknessMap')
export class ThicknessMapModel {
  @Field() id!: string;
  @Field() rollBarcode!: string;
  @Field() layer!: string;
  @Field() instrument!: string;
  @Field(() => GraphQLISODateTime) measuredAt!: Date;
  @Field(() => [Float]) cdMm!: number[];
  @Field(() => [Float]) mdMm!: number[];
  @Field(() => [Float]) valuesUm!: number[];
  @Field() postedBy!: string;
}

@ObjectType('ProductProcessSettings')
export class ProductSettingsModel {
  @Field() productCode!: string;
  @Field(() => Float) lcoUtilization!: number;
  @Field() updatedBy!: string;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}
