import { Field, Float, GraphQLISODateTime, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

export enum E10StateEnum {
  PRODUCTIVE = 'PRODUCTIVE',
  STANDBY = 'STANDBY',
  ENGINEERING = 'ENGINEERING',
  SCHEDULED_DOWN = 'SCHEDULED_DOWN',
  UNSCHEDULED_DOWN = 'UNSCHEDULED_DOWN',
  NON_SCHEDULED = 'NON_SCHEDULED',
}
registerEnumType(E10StateEnum, { name: 'E10State', description: 'SEMI E10 equipment states.' });

@ObjectType('ZoneOffset', { description: 'Where a trace channel’s deposition zone sits relative to the MD reference (encoder), mm.' })
export class ZoneOffsetModel {
  @Field() channel!: string;
  @Field(() => Float) offsetMm!: number;
}

@ObjectType('EquipmentStateChange')
export class EquipmentStateChangeModel {
  @Field(() => E10StateEnum, { nullable: true }) fromState!: E10StateEnum | null;
  @Field(() => E10StateEnum) toState!: E10StateEnum;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field() changedBy!: string;
  @Field() reason!: string;
}

@ObjectType('EquipmentStatus', { description: 'A piece of equipment as the process sees it: E10 state, target life and zone offsets.' })
export class EquipmentStatusModel {
  @Field() equipmentCode!: string;
  @Field(() => E10StateEnum) e10State!: E10StateEnum;
  @Field(() => GraphQLISODateTime) stateSince!: Date;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => Float, { nullable: true }) targetLifeKwh!: number | null;
  @Field(() => Float) targetConsumedKwh!: number;
  @Field(() => [ZoneOffsetModel]) zoneOffsets!: ZoneOffsetModel[];
  @Field({ description: 'Whether the equipment has a key to post traces with.' }) hasTraceKey!: boolean;
  @Field(() => [EquipmentStateChangeModel], { description: 'State changes, newest first (up to 100).' })
  stateHistory!: EquipmentStateChangeModel[];
}

@InputType()
export class ZoneOffsetInput {
  @Field() @IsString() @MaxLength(32) channel!: string;
  @Field(() => Float) @IsNumber() offsetMm!: number;
}

@InputType()
export class ConfigureEquipmentInput {
  @Field() @IsString() equipmentCode!: string;
  @Field(() => Float, { nullable: true, description: 'Energy a target may take; omit to leave unchanged.' })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  targetLifeKwh?: number;
  @Field(() => [ZoneOffsetInput], { nullable: true, description: 'Replaces the zone offsets when given.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => ZoneOffsetInput)
  zoneOffsets?: ZoneOffsetInput[];
}

@InputType()
export class SetEquipmentStateInput {
  @Field() @IsString() equipmentCode!: string;
  @Field(() => E10StateEnum) @IsEnum(E10StateEnum) state!: E10StateEnum;
  @Field() @IsString() @MinLength(3, { message: 'expected a reason of at least 3 characters' }) @MaxLength(500) reason!: string;
}

@InputType()
export class ReplaceTargetInput {
  @Field() @IsString() equipmentCode!: string;
  @Field()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'expected a target id (letters, digits, ".", "_", "-")' })
  targetId!: string;
}

@ObjectType('EquipmentKey', { description: 'The key a piece of equipment posts traces with (X-Api-Key); shown once.' })
export class EquipmentKeyModel {
  @Field() equipmentCode!: string;
  @Field() apiKey!: string;
}

@ObjectType('EquipmentKeyState', { description: 'A piece of equipment and the state of its trace key: never the key, nor its hash.' })
export class EquipmentKeyStateModel {
  @Field() equipmentCode!: string;
  @Field({ description: 'Whether the equipment has a key it can post traces with now.' }) active!: boolean;
  @Field(() => Date, { nullable: true }) issuedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the last key was revoked (cleared when a new one is issued).' })
  revokedAt!: Date | null;
}
