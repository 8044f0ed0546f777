import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

@InputType()
export class ImportCyclerResultsInput {
  @Field() @IsString() @MaxLength(64) stackBarcode!: string;
  @Field({
    description:
      'The cycler export: the generic layout (cycle,charge_mah,discharge_mah,ce_pct,discharge_energy_mwh,end_voltage_v) or an Arbin cycle statistics CSV.',
  })
  @IsString()
  @MaxLength(20_000_000)
  csv!: string;
}

@ObjectType({
  description: 'Cycling of one sample stack: retention, cycles to 95 % and 80 % of the first discharge, coulombic efficiency.',
})
export class CyclingStatsModel {
  @Field() stackBarcode!: string;
  @Field() layout!: string;
  @Field(() => Int) cycles!: number;
  @Field(() => Float) firstDischargeMah!: number;
  @Field(() => Float) lastDischargeMah!: number;
  @Field(() => Float) retention!: number;
  @Field(() => Int, { nullable: true }) cyclesTo95!: number | null;
  @Field(() => Int, { nullable: true }) cyclesTo80!: number | null;
  @Field(() => Float) meanCePct!: number;
  @Field(() => Float) minCePct!: number;
  @Field(() => Float, { nullable: true }) meanCeAfterFirstPct!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean sheet-test ASR of its layers.' }) meanLayerAsrOhmCm2!: number | null;
  @Field(() => Float, { description: 'Mean roll MD of its layers (mm).' }) meanLayerMdMm!: number;
  @Field() rollBarcodes!: string;
}

@ObjectType({ description: 'Cycled stacks of a product against their layers’ sheet-test features and roll positions.' })
export class CyclingCorrelationModel {
  @Field() productCode!: string;
  @Field(() => [CyclingStatsModel]) stacks!: CyclingStatsModel[];
  @Field(() => Float, { nullable: true, description: 'Pearson r of capacity retention against mean layer ASR (null below 3 stacks).' })
  retentionVsAsr!: number | null;
  @Field(() => Float, { nullable: true, description: 'Pearson r of capacity retention against mean layer MD position.' }) retentionVsMd!:
    number | null;
}
