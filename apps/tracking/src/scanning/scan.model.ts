import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { StepStateEnum, UnitStatusEnum } from '../material/material.model';
import { UnitLevelEnum } from '../master-data/master-data.model';

export enum ScanActionEnum {
  TRACK_IN = 'TRACK_IN',
  TRACK_OUT = 'TRACK_OUT',
}
registerEnumType(ScanActionEnum, { name: 'ScanAction' });

@InputType({ description: 'What a station scanner sends: the scanned barcode and what the operator pressed.' })
export class ScanInput {
  @Field() @IsString() @MinLength(1, { message: 'expected a barcode' }) @MaxLength(200) barcode!: string;
  @Field() @IsString() stationCode!: string;
  @Field(() => ScanActionEnum) @IsEnum(ScanActionEnum) action!: ScanActionEnum;
  @Field({ nullable: true, description: 'The piece of equipment at the station, where it has several.' })
  @IsOptional()
  @IsString()
  equipmentCode?: string;
  @Field(() => Int, { nullable: true, description: 'TRACK_OUT: units or cells that passed the operation.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  goodCount?: number;
  @Field(() => Int, { nullable: true, description: 'TRACK_OUT: units or cells rejected at the operation.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  rejectCount?: number;
}

@ObjectType('ScanEvent')
export class ScanEventModel {
  @Field(() => ID) id!: string;
  @Field(() => ScanActionEnum) action!: ScanActionEnum;
  @Field() operation!: string;
  @Field() stationCode!: string;
  @Field(() => Int, { nullable: true }) goodCount!: number | null;
  @Field(() => Int, { nullable: true }) rejectCount!: number | null;
  @Field() actor!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType('ScanResult')
export class ScanResultModel {
  @Field(() => UnitLevelEnum) unitKind!: UnitLevelEnum;
  @Field() barcode!: string;
  @Field(() => UnitStatusEnum) status!: UnitStatusEnum;
  @Field(() => String, { nullable: true, description: 'The operation the unit now waits for or is in.' }) operation!: string | null;
  @Field(() => StepStateEnum) stepState!: StepStateEnum;
  @Field(() => String, { nullable: true }) stationCode!: string | null;
  @Field({ description: 'True when this scan repeated the previous one (a double press) and changed nothing.' }) repeated!: boolean;
  @Field(() => ScanEventModel) event!: ScanEventModel;
}
