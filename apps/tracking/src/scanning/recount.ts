import { Injectable } from '@nestjs/common';
import { Args, Field, GraphQLISODateTime, InputType, Int, Mutation, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsInt, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, type DataSource } from 'typeorm';
import { CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { SheetModel } from '../material/material.model';
import { MaterialRepository } from '../material/material.repository';

/**
 * A correction of the good/reject counts a sheet was tracked out with: the sheet's cells were binned
 * again after it left (an inspection that came after the test), so the counts it left with are no
 * longer what it carries. The track-out event stays as it was; the newest correction counts.
 */
@Entity({ schema: 'tracking', name: 'sheet_count_corrections' })
@Index('ix_sheet_count_corrections_event', ['scanEventId', 'id'])
export class SheetCountCorrectionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  /** The TRACK_OUT whose counts this corrects. */
  @Column({ name: 'scan_event_id', type: 'bigint' })
  scanEventId!: string;

  @Column({ name: 'good_count', type: 'integer' })
  goodCount!: number;

  @Column({ name: 'reject_count', type: 'integer' })
  rejectCount!: number;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}

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

type Row = Record<string, unknown>;

const COUNTS = `
  SELECT e.id, e.operation, st.code AS station_code, e.good_count, e.reject_count, e.at,
         c.good_count AS c_good, c.reject_count AS c_reject, c.actor AS c_actor, c.at AS c_at, c.reason AS c_reason
    FROM tracking.scan_events e
    JOIN tracking.stations st ON st.id = e.station_id
    LEFT JOIN LATERAL (SELECT * FROM tracking.sheet_count_corrections x WHERE x.scan_event_id = e.id ORDER BY x.id DESC LIMIT 1) c ON true
   WHERE e.unit_kind = 'SHEET' AND e.unit_id = $1 AND e.action = 'TRACK_OUT' AND e.good_count IS NOT NULL`;

function toCounts(r: Row): SheetCountsModel {
  const corrected = r.c_good !== null;
  return {
    operation: String(r.operation),
    stationCode: String(r.station_code),
    goodCount: Number(corrected ? r.c_good : r.good_count),
    rejectCount: Number(corrected ? r.c_reject : (r.reject_count ?? 0)),
    trackedOutGoodCount: Number(r.good_count),
    trackedOutRejectCount: Number(r.reject_count ?? 0),
    trackedOutAt: r.at as Date,
    correctedBy: corrected ? String(r.c_actor) : null,
    correctedAt: corrected ? (r.c_at as Date) : null,
    correctionReason: corrected ? String(r.c_reason) : null,
  };
}

@Injectable()
export class RecountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly material: MaterialRepository,
    private readonly audit: AuditService,
  ) {}

  /** The counts a sheet carries out of each operation it was tracked out of with counts, oldest first. */
  async countsOfSheet(sheetId: string): Promise<SheetCountsModel[]> {
    return (await this.db.query<Row[]>(`${COUNTS} ORDER BY e.id`, [sheetId])).map(toCounts);
  }

  /**
   * Correct the counts of the sheet's newest track-out at a station; the same counts again change
   * nothing (a retried job). Refused when the sheet never left that station with counts: its
   * track-out will carry the right ones.
   */
  async recount(actor: Actor, input: RecountSheetInput): Promise<SheetCountsModel> {
    return this.db.transaction(async (m) => {
      const sheet = await this.material.lockSheetByBarcode(m, input.sheetBarcode);
      if (!sheet)
        throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet barcode ${input.sheetBarcode}`, [
          { path: 'input.sheetBarcode', message: 'expected a sheet' },
        ]);
      const cells = sheet.rows * sheet.cols;
      if (input.goodCount + input.rejectCount > cells)
        throw new DomainError(
          'VALIDATION_FAILED',
          `goodCount + rejectCount = ${input.goodCount + input.rejectCount} exceeds the ${cells} cells of sheet ${sheet.barcode}`,
          [{ path: 'input.goodCount', message: `expected goodCount + rejectCount <= ${cells}` }],
        );
      const [row] = await m.query<Row[]>(`${COUNTS} AND st.code = $2 ORDER BY e.id DESC LIMIT 1`, [sheet.id, input.stationCode]);
      if (!row)
        throw new DomainError(
          'CONFLICT',
          `Sheet ${sheet.barcode} was not tracked out at station ${input.stationCode} with counts; its track-out there will carry them`,
          [{ path: 'input.stationCode', message: 'expected a station the sheet was tracked out at' }],
        );
      const before = toCounts(row);
      if (before.goodCount === input.goodCount && before.rejectCount === input.rejectCount) return before;
      await m.insert(SheetCountCorrectionEntity, {
        scanEventId: String(row.id),
        goodCount: input.goodCount,
        rejectCount: input.rejectCount,
        reason: input.reason,
        actor: actor.username,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'RECOUNT_SHEET',
        entityType: 'Sheet',
        entityKey: sheet.barcode,
        before: { operation: before.operation, goodCount: before.goodCount, rejectCount: before.rejectCount },
        after: { goodCount: input.goodCount, rejectCount: input.rejectCount, reason: input.reason },
      });
      const [after] = await m.query<Row[]>(`${COUNTS} AND e.id = $2`, [sheet.id, row.id]);
      return toCounts(after);
    });
  }
}

@Resolver(() => SheetModel)
export class RecountResolver {
  constructor(private readonly recounts: RecountService) {}

  @ResolveField(() => [SheetCountsModel], {
    description: 'Good and reject counts out of each operation, as corrected when the sheet was binned again after it left.',
  })
  counts(@Parent() sheet: SheetModel): Promise<SheetCountsModel[]> {
    return this.recounts.countsOfSheet(sheet.id);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => SheetCountsModel, {
    description: "Correct the good/reject counts of a sheet's newest track-out at a station (the binning worker after a late inspection).",
  })
  recountSheet(@CurrentActor() actor: Actor, @Args('input') input: RecountSheetInput): Promise<SheetCountsModel> {
    return this.recounts.recount(actor, input);
  }
}
