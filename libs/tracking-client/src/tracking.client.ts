import { Injectable, Logger } from '@nestjs/common';
import { Role, TokenService } from '@mes/auth';
import type { SheetLayout } from '@mes/geometry';
import { DomainError } from '@mes/service-core';

const SHEET_FIELDS = `barcode rollBarcode rows cols cellActiveAreaCm2 mdStartMm status operation stepState stationCode activeHolds { id reason }
  layout { rows cols cellMdMm cellCdMm pitchMdMm pitchCdMm firstCellMdMm firstCellCdMm sheetLengthMdMm }`;

export interface TrackedSheet {
  barcode: string;
  rollBarcode: string;
  rows: number;
  cols: number;
  cellActiveAreaCm2: number;
  mdStartMm: number;
  layout: SheetLayout;
  status: string;
  operation: string | null;
  stepState: string;
  stationCode: string | null;
  activeHolds: { id: string; reason: string }[];
}

interface GraphqlAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * The tracking service, reached through its public GraphQL API with this service's own token:
 * test-data never reads tracking's tables (one schema per service).
 */
@Injectable()
export class TrackingClient {
  private readonly logger = new Logger(TrackingClient.name);
  private readonly token: string;

  /** `service` names the calling service in tracking's audit trail (svc-<service>). */
  constructor(private readonly url: string, tokens: TokenService, service: string) {
    this.token = tokens.sign({ userId: '0', username: `svc-${service}`, role: Role.ADMIN });
  }

  async sheet(barcode: string): Promise<TrackedSheet | null> {
    const answer = await this.call<{ sheet: TrackedSheet }>(
      `query($b: String!) { sheet(barcode: $b) { ${SHEET_FIELDS} } }`,
      { b: barcode },
    );
    if (answer.errors?.[0]?.extensions?.code === 'UNKNOWN_BARCODE') return null;
    return this.data(answer).sheet;
  }

  async sheetsWaitingAt(operation: string): Promise<TrackedSheet[]> {
    const answer = await this.call<{ sheets: TrackedSheet[] }>(
      `query($op: String!) { sheets(status: ACTIVE, operation: $op, limit: 5000) { ${SHEET_FIELDS} } }`,
      { op: operation },
    );
    return this.data(answer).sheets;
  }

  async roll(barcode: string): Promise<{ barcode: string; lengthMm: number; widthMm: number } | null> {
    const answer = await this.call<{ roll: { barcode: string; lengthMm: number; widthMm: number } }>(
      'query($b: String!) { roll(barcode: $b) { barcode lengthMm widthMm } }',
      { b: barcode },
    );
    if (answer.errors?.[0]?.extensions?.code === 'UNKNOWN_BARCODE') return null;
    return this.data(answer).roll;
  }

  async station(code: string): Promise<{ code: string; operation: string } | null> {
    const answer = await this.call<{ stations: { code: string; operation: string }[] }>('{ stations { code operation } }', {});
    return this.data(answer).stations.find((s) => s.code === code) ?? null;
  }

  /**
   * A tested sheet leaves its test operation at the rig's station, with its good and reject counts.
   * Safe to repeat: tracking treats a repeated scan as the same scan.
   */
  async trackOutTestedSheet(sheet: string, stationCode: string, goodCount: number, rejectCount: number): Promise<void> {
    const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
    const tin = await this.call(scan, { i: { barcode: sheet, stationCode, action: 'TRACK_IN' } });
    const code = tin.errors?.[0]?.extensions?.code;
    if (tin.errors?.length && code !== 'ALREADY_IN_PROCESS' && code !== 'NOT_TRACKED_IN') this.data(tin);
    this.data(await this.call(scan, { i: { barcode: sheet, stationCode, action: 'TRACK_OUT', goodCount, rejectCount } }));
  }

  async holdSheet(sheet: string, reason: string): Promise<string> {
    const answer = await this.call<{ placeHold: { id: string } }>(
      'mutation($i: PlaceHoldInput!) { placeHold(input: $i) { id } }',
      { i: { target: 'SHEET', sheetBarcode: sheet, reason } },
    );
    return this.data(answer).placeHold.id;
  }

  private data<T>(answer: GraphqlAnswer<T>): T {
    if (answer.errors?.length || !answer.data) {
      throw new Error(`tracking answered with errors: ${JSON.stringify(answer.errors)}`);
    }
    return answer.data;
  }

  private async call<T>(query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer<T>> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      this.logger.warn(`tracking at ${this.url} did not answer: ${e instanceof Error ? e.message : String(e)}`);
      throw new DomainError('SERVICE_UNAVAILABLE', 'The tracking service does not answer; nothing was stored, retry later');
    }
    return (await res.json()) as GraphqlAnswer<T>;
  }
}
