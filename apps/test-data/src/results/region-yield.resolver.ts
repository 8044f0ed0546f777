import { Args, Field, Float, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNumber, IsString, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { DomainError } from '@mes/service-core';

@InputType({ description: 'An MD region of a roll under a label (a recipe parameter value, an experiment arm, ...).' })
export class RegionInput {
  @Field() @IsString() @MaxLength(200) label!: string;
  @Field() @IsString() rollBarcode!: string;
  @Field(() => Float) @IsNumber() mdStartMm!: number;
  @Field(() => Float) @IsNumber() mdEndMm!: number;
}

@ObjectType('RegionYield', { description: 'Cells whose centre lies in the label’s regions: how many were tested and passed, first pass and final.' })
export class RegionYieldModel {
  @Field() label!: string;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Int, { description: 'Cells whose current result is a pass bin.' }) cellsPassed!: number;
  @Field(() => Float, { nullable: true }) firstPassYield!: number | null;
  @Field(() => Float, { nullable: true }) finalYield!: number | null;
}

/**
 * Yield over roll regions, grouped by label: how the process service answers "yield by interlayer
 * material" or "by experiment arm" without reading test-data's tables. Regions of one label are
 * summed (a cell in two overlapping regions of a label counts twice: labels are meant to be disjoint).
 */
@Resolver()
export class RegionYieldResolver {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Query(() => [RegionYieldModel], { description: 'First-pass and final yield of the cells in MD regions of rolls, per label.' })
  async regionYield(
    @Args('regions', { type: () => [RegionInput] }) regions: RegionInput[],
  ): Promise<RegionYieldModel[]> {
    if (regions.length > 10_000) throw new DomainError('VALIDATION_FAILED', `${regions.length} regions: expected at most 10000`, [{ path: 'regions', message: 'expected at most 10000 regions' }]);
    regions.forEach((r, i) => {
      if (!(Number.isFinite(r.mdStartMm) && Number.isFinite(r.mdEndMm) && r.mdStartMm < r.mdEndMm)) {
        throw new DomainError('VALIDATION_FAILED', `regions[${i}]: expected mdStartMm < mdEndMm, got [${r.mdStartMm}, ${r.mdEndMm})`, [{ path: `regions[${i}].mdEndMm`, message: 'expected mdStartMm < mdEndMm' }]);
      }
    });
    if (regions.length === 0) return [];
    const rows = await this.db.query<{ label: string; cells: number; first_pass: number; final_pass: number }[]>(
      `SELECT reg.label, count(c.row)::int AS cells,
              count(c.row) FILTER (WHERE c.first_soft_bin BETWEEN 1 AND 9)::int AS first_pass,
              count(c.row) FILTER (WHERE c.soft_bin BETWEEN 1 AND 9)::int AS final_pass
         FROM unnest($1::varchar[], $2::varchar[], $3::float8[], $4::float8[]) AS reg(label, roll, md_start, md_end)
         LEFT JOIN test_data.current_cell_results c ON c.roll_barcode = reg.roll AND c.md_mm >= reg.md_start AND c.md_mm < reg.md_end
        GROUP BY reg.label ORDER BY reg.label`,
      [regions.map((r) => r.label), regions.map((r) => r.rollBarcode), regions.map((r) => r.mdStartMm), regions.map((r) => r.mdEndMm)],
    );
    return rows.map((r) => ({
      label: r.label,
      cellsTested: r.cells,
      cellsPassed: r.final_pass,
      firstPassYield: r.cells ? r.first_pass / r.cells : null,
      finalYield: r.cells ? r.final_pass / r.cells : null,
    }));
  }
}
