import { Field, GraphQLISODateTime, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsString, MaxLength, Min, MinLength } from 'class-validator';

@ObjectType('SheetCounts', { description: 'The good and reject counts a sheet carries out of one operation.' })
export class SheetCountsModel {
  @Field() operation!: string;
  @Field() stationCode!: string;
  @Field(() => Int) goodCount!: number;
  @Field(() => Int) rejectCount!: number;
  @Field(() => Int, { description: 'As tracked out, before any correction.' }) trackedOutGoodCount!: number;
  @Field(() => Int) trackedOutRejectCount!: number;
  @Field(() => GraphQLISODateTime) trackedOutAt!: Date;
  @Field(() => String, { nullable: true, description: 'Who corrected the counts last (null: never corrected).' }) correctedBy!:
    string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) correctedAt!: Date | null;
  @Field(() => String, { nullable: true }) correctionReason!: string | null;
}

@InputType()
export class RecountSheetInput {
  @Field() @IsString() sheetBarcode!: string;
  @Field({ description: 'The station the sheet was tracked out at (its newest track-out there is corrected).' })
  @IsString()
  stationCode!: string;
  @Field(() => Int) @IsInt() @Min(0) goodCount!: number;
  @Field(() => Int) @IsInt() @Min(0) rejectCount!: number;
  @Field() @IsString() @MinLength(1) @MaxLength(500) reason!: string;
}
