import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '@mes/service-core';
import { HoldRepository } from '../holds/hold.repository';
import type { HoldModel } from '../holds/hold.model';
import type { SheetModel } from '../material/material.model';
import { MaterialRepository } from '../material/material.repository';
import { describeHoldTarget } from '../scanning/scan.service';
import type { HistoryEntryModel } from './history.model';
import { HistoryRepository } from './history.repository';

/** A unit's story: its genealogy, every scan, and every hold that ever covered it. */
@Injectable()
export class HistoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly material: MaterialRepository,
    private readonly holds: HoldRepository,
    private readonly history: HistoryRepository,
  ) {}

  async unitHistory(barcode: string): Promise<HistoryEntryModel[]> {
    const roll = await this.material.rollByBarcode(barcode);
    const sheet = roll ? null : await this.material.sheetByBarcode(barcode);
    if (!roll && !sheet) throw new DomainError('UNKNOWN_BARCODE', `Unknown barcode ${barcode}: expected a roll or sheet barcode`);
    const kind = roll ? 'ROLL' : 'SHEET';
    const unitId = (roll ?? sheet)!.id;
    const entries: HistoryEntryModel[] = [];

    const scans = await this.history.scansOf(kind, unitId);
    for (const s of scans) {
      const counts = s.good_count !== null || s.reject_count !== null ? ` (good ${s.good_count ?? 0}, reject ${s.reject_count ?? 0})` : '';
      entries.push({
        at: s.at as Date,
        actor: String(s.actor),
        kind: 'SCAN',
        summary: `${s.action} ${s.operation} at ${s.station}${counts}`,
      });
    }

    // Genealogy and creation as the audit trail recorded them.
    const audit = await this.history.rollGenealogyRecords(roll ? roll.barcode : sheet!.rollBarcode);
    for (const a of audit) {
      const after = (a.after ?? {}) as Record<string, unknown>;
      if (roll) {
        entries.push({
          at: a.at as Date,
          actor: String(a.actor),
          kind: a.action === 'REGISTER_ROLL' ? 'CREATED' : 'GENEALOGY',
          summary: describeRollAudit(String(a.action), after),
        });
      } else if (a.action === 'CUT_SHEETS') {
        const mine = ((after.sheets ?? []) as { barcode: string; mdStartMm: number; mdEndMm: number }[]).find(
          (x) => x.barcode === sheet!.barcode,
        );
        if (mine)
          entries.push({
            at: a.at as Date,
            actor: String(a.actor),
            kind: 'CREATED',
            summary: `cut from roll ${sheet!.rollBarcode} at MD ${mine.mdStartMm}-${mine.mdEndMm} mm`,
          });
      }
    }
    if (roll) {
      const children = await this.history.childRolls(roll.id);
      for (const c of children)
        entries.push({
          at: c.created_at as Date,
          actor: String(c.created_by),
          kind: 'GENEALOGY',
          summary: `${c.kind === 'SLIT' ? 'slit into' : 'spliced into'} roll ${c.barcode}`,
        });
    }

    for (const h of await this.holdsEverCovering(roll, sheet)) {
      entries.push({
        at: h.placedAt,
        actor: h.placedBy,
        kind: 'HOLD_PLACED',
        summary: `hold ${h.id} on ${describeHoldTarget(h)}: ${h.reason}`,
      });
      if (h.releasedAt) {
        entries.push({
          at: h.releasedAt,
          actor: h.releasedBy ?? '',
          kind: 'HOLD_RELEASED',
          summary: `hold ${h.id} released: ${h.disposition} (${h.releaseComment})`,
        });
      }
    }
    return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  private holdsEverCovering(roll: { id: string; lengthMm: number } | null, sheet: SheetModel | null): Promise<HoldModel[]> {
    return this.holds.everCovering(
      this.db.manager,
      roll
        ? { rollId: roll.id, mdStartMm: 0, mdEndMm: roll.lengthMm }
        : { rollId: sheet!.rollId, mdStartMm: sheet!.mdStartMm, mdEndMm: sheet!.mdEndMm, sheetId: sheet!.id },
    );
  }
}

function describeRollAudit(action: string, after: Record<string, unknown>): string {
  switch (action) {
    case 'REGISTER_ROLL':
      return `registered from supplier lot ${after.supplierLot ?? '(none)'}: ${after.widthMm} mm x ${after.lengthM} m`;
    case 'SPLICE_ROLLS':
      return `made by splicing ${((after.parts ?? []) as { barcode: string; mdOffsetMm: number }[]).map((p) => `${p.barcode} at ${p.mdOffsetMm} mm`).join(', ')}`;
    case 'SLIT_ROLL':
      return `slit into ${((after.lanes ?? []) as { barcode: string; cdStartMm: number; cdEndMm: number }[]).map((l) => `${l.barcode} (CD ${l.cdStartMm}-${l.cdEndMm} mm)`).join(', ')}`;
    case 'CUT_SHEETS':
      return `cut ${((after.sheets ?? []) as unknown[]).length} sheets (${after.sheetsCut} in all)`;
    default:
      return `${action.toLowerCase().replace(/_/g, ' ')}: ${String(after.why ?? '')}`;
  }
}
