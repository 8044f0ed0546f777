import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { HoldModel } from './hold.model';

@InputType()
export class CellRefInput {
  @Field() @IsString() @MaxLength(64) sheetBarcode!: string;
  @Field(() => Int) @IsInt() @Min(0) @Max(32767) row!: number;
  @Field(() => Int) @IsInt() @Min(0) @Max(32767) col!: number;
}

@ObjectType({ description: 'A cell as the end of the line needs it: where it came from, its status and the holds that stop it now.' })
export class CellStateModel {
  @Field() sheetBarcode!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field() rollBarcode!: string;
  @Field(() => Float) mdMm!: number;
  @Field(() => Float) cdMm!: number;
  @Field({ description: 'ACTIVE or SCRAPPED.' }) status!: string;
  @Field(() => [HoldModel], { description: 'Active holds covering the cell: its own, its sheet’s, and roll regions it came from.' })
  activeHolds!: HoldModel[];
}

@ObjectType()
export class HeldCellModel {
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field() holdId!: string;
  @Field() reason!: string;
}
