import { Injectable, Logger } from '@nestjs/common';
import { CLIENT_ADDRESS_HEADER, Role, TokenService, type Actor, type SignatureInput, type VerifiedSignature } from '@mes/auth';
import type { SheetLayout } from '@mes/geometry';
import { CORRELATION_HEADER, currentCorrelationId, DomainError, inClientSpan, isErrorCode, traceHeaders } from '@mes/service-core';

const SHEET_FIELDS = `barcode rollBarcode productCode mdEndMm rows cols cellActiveAreaCm2 mdStartMm status operation stepState stationCode activeHolds { id reason }
  layout { rows cols cellMdMm cellCdMm pitchMdMm pitchCdMm firstCellMdMm firstCellCdMm sheetLengthMdMm }`;

export interface TrackedSheet {
  barcode: string;
  rollBarcode: string;
  productCode: string;
  mdEndMm: number;
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

/** A roll as the process service needs it: where it is on its route, its size and whether it is held. */
export interface TrackedRoll {
  barcode: string;
  productCode: string;
  status: string;
  operation: string | null;
  stepState: string;
  stationCode: string | null;
  lengthMm: number;
  widthMm: number;
  activeHolds: { id: string; reason: string }[];
}

/** [mdStartMm, mdEndMm) of the child roll is the parent's stretch from parentMdStartMm (CD shifted by parentCdStartMm). */
export interface RollParentLink {
  kind: string;
  parentBarcode: string;
  mdStartMm: number;
  mdEndMm: number;
  parentMdStartMm: number;
  parentCdStartMm: number;
}

export interface TrackedEquipment {
  code: string;
  kind: string;
  stationCode: string;
  operation: string;
}

export interface TrackedProduct {
  code: string;
  cellActiveAreaCm2: number;
  layout: SheetLayout;
  /** Operations of the newest route version, in order. */
  operations: string[];
}

export interface ScanAnswer {
  stepState: string;
}

/** An active hold as tracking lists it. */
export interface ActiveHold {
  id: string;
  target: string;
  rollBarcode: string | null;
  mdFromMm: number | null;
  mdToMm: number | null;
  sheetBarcode: string | null;
  reason: string;
}

const ROLL_FIELDS = 'barcode productCode status operation stepState stationCode lengthMm widthMm activeHolds { id reason }';

interface GraphqlAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number } }[];
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
  constructor(
    private readonly url: string,
    private readonly tokens: TokenService,
    service: string,
  ) {
    this.token = tokens.sign({ userId: '0', username: `svc-${service}`, role: Role.ADMIN });
  }

  async sheet(barcode: string): Promise<TrackedSheet | null> {
    const answer = await this.call<{ sheet: TrackedSheet }>(`query($b: String!) { sheet(barcode: $b) { ${SHEET_FIELDS} } }`, {
      b: barcode,
    });
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

  /** The rolls a roll was spliced or slit from (empty for a substrate roll). */
  async rollParents(barcode: string): Promise<RollParentLink[]> {
    const answer = await this.call<{ roll: { parents: RollParentLink[] } }>(
      'query($b: String!) { roll(barcode: $b) { parents { kind parentBarcode mdStartMm mdEndMm parentMdStartMm parentCdStartMm } } }',
      { b: barcode },
    );
    if (answer.errors?.[0]?.extensions?.code === 'UNKNOWN_BARCODE') return [];
    return this.data(answer).roll.parents;
  }

  /** Every sheet cut from a roll, in MD order. */
  async sheetsOfRoll(rollBarcode: string): Promise<TrackedSheet[]> {
    const answer = await this.call<{ roll: { sheets: TrackedSheet[] } }>(
      `query($b: String!) { roll(barcode: $b) { sheets { ${SHEET_FIELDS} } } }`,
      { b: rollBarcode },
    );
    if (answer.errors?.[0]?.extensions?.code === 'UNKNOWN_BARCODE') return [];
    return this.data(answer).roll.sheets;
  }

  /** The roll with its route position, or null for an unknown barcode. */
  async trackedRoll(barcode: string): Promise<TrackedRoll | null> {
    const answer = await this.call<{ roll: TrackedRoll }>(`query($b: String!) { roll(barcode: $b) { ${ROLL_FIELDS} } }`, { b: barcode });
    if (answer.errors?.[0]?.extensions?.code === 'UNKNOWN_BARCODE') return null;
    return this.data(answer).roll;
  }

  /** Every piece of equipment with its station and the operation that station performs (one call). */
  async allEquipment(): Promise<TrackedEquipment[]> {
    const answer = await this.call<{
      equipment: { code: string; kind: string; stationCode: string }[];
      stations: { code: string; operation: string }[];
    }>('{ equipment { code kind stationCode } stations { code operation } }', {});
    const { equipment, stations } = this.data(answer);
    const operationOf = new Map(stations.map((s) => [s.code, s.operation]));
    return equipment.map((e) => ({ ...e, operation: operationOf.get(e.stationCode) ?? '' }));
  }

  async equipment(code: string): Promise<TrackedEquipment | null> {
    return (await this.allEquipment()).find((e) => e.code === code) ?? null;
  }

  async product(code: string): Promise<TrackedProduct | null> {
    const answer = await this.call<{
      product: { code: string; cellActiveAreaCm2: number; layout: SheetLayout; currentRoute: { steps: { operation: string }[] } | null };
    }>(
      `query($c: String!) { product(code: $c) { code cellActiveAreaCm2
        layout { rows cols cellMdMm cellCdMm pitchMdMm pitchCdMm firstCellMdMm firstCellCdMm sheetLengthMdMm }
        currentRoute { steps { operation } } } }`,
      { c: code },
    );
    if (answer.errors?.[0]?.extensions?.code === 'NOT_FOUND') return null;
    const p = this.data(answer).product;
    return {
      code: p.code,
      cellActiveAreaCm2: p.cellActiveAreaCm2,
      layout: p.layout,
      operations: p.currentRoute?.steps.map((s) => s.operation) ?? [],
    };
  }

  /**
   * A station scan made on behalf of a user (a token signed for that user, so tracking checks and
   * audits the person, not this service). Tracking's refusal comes back as the same DomainError.
   */
  async scanAs(
    actor: Actor,
    input: {
      barcode: string;
      stationCode: string;
      equipmentCode?: string;
      action: 'TRACK_IN' | 'TRACK_OUT';
      goodCount?: number;
      rejectCount?: number;
    },
  ): Promise<ScanAnswer> {
    const answer = await this.call<{ scan: ScanAnswer }>(
      'mutation($i: ScanInput!) { scan(input: $i) { stepState } }',
      { i: input },
      this.tokenFor(actor),
    );
    return this.dataOrDomainError(answer).scan;
  }

  /**
   * Have tracking (which owns users and passwords) check an electronic signature of `actor`, the
   * signed-in user: as that user, from the client's own address, so a wrong password is throttled
   * and counted like a failed login at that address. Tracking's refusal (SIGNATURE_REJECTED,
   * TOO_MANY_REQUESTS) comes back as the same DomainError.
   */
  async verifySignature(actor: Actor, signature: SignatureInput, clientAddress: string): Promise<VerifiedSignature> {
    const answer = await this.call<{
      verifySignature: { signer: string; meaning: VerifiedSignature['meaning']; comment: string | null; signedAt: string };
    }>(
      'mutation($s: SignatureInput!) { verifySignature(signature: $s) { signer meaning comment signedAt } }',
      { s: { password: signature.password, meaning: signature.meaning, comment: signature.comment ?? null } },
      this.tokenFor(actor),
      { [CLIENT_ADDRESS_HEADER]: clientAddress },
    );
    const e = answer.errors?.[0];
    const code = e?.extensions?.code;
    // The one refusal tracking sends with a retry time: keep it, the client shows the wait.
    if (code === 'TOO_MANY_REQUESTS')
      throw new DomainError(code, e?.message ?? 'Too many failed logins', [], { retryAfterSeconds: e?.extensions?.retryAfterSeconds });
    if (code === 'SIGNATURE_REJECTED')
      throw new DomainError(code, e?.message ?? 'The signature was refused', [
        { path: 'signature.password', message: 'expected the password of the signed-in user' },
      ]);
    const signed = this.dataOrDomainError(answer).verifySignature;
    return { ...signed, signedAt: new Date(signed.signedAt) };
  }

  /** A hold on an MD region of a roll (the material made there, wherever it is now). */
  async holdRollRegion(rollBarcode: string, mdFromMm: number, mdToMm: number, reason: string): Promise<string> {
    const answer = await this.call<{ placeHold: { id: string } }>('mutation($i: PlaceHoldInput!) { placeHold(input: $i) { id } }', {
      i: { target: 'ROLL_REGION', rollBarcode, mdFromMm, mdToMm, reason },
    });
    return this.data(answer).placeHold.id;
  }

  /** The active holds on a roll and its sheets (its regions among them), newest first; at most 2000. */
  async activeHoldsOnRoll(rollBarcode: string): Promise<ActiveHold[]> {
    const answer = await this.call<{ holdList: ActiveHold[] }>(
      'query($r: String!) { holdList(active: true, rollBarcode: $r, limit: 2000) { id target rollBarcode mdFromMm mdToMm sheetBarcode reason } }',
      { r: rollBarcode },
    );
    return this.data(answer).holdList;
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

  /**
   * Correct the counts of a sheet's newest track-out at a station (its cells were binned again after
   * it left). The same counts again change nothing, so a retried job is safe.
   */
  async recountSheet(sheet: string, stationCode: string, goodCount: number, rejectCount: number, reason: string): Promise<void> {
    this.data(
      await this.call('mutation($i: RecountSheetInput!) { recountSheet(input: $i) { goodCount } }', {
        i: { sheetBarcode: sheet, stationCode, goodCount, rejectCount, reason },
      }),
    );
  }

  async holdSheet(sheet: string, reason: string): Promise<string> {
    const answer = await this.call<{ placeHold: { id: string } }>('mutation($i: PlaceHoldInput!) { placeHold(input: $i) { id } }', {
      i: { target: 'SHEET', sheetBarcode: sheet, reason },
    });
    return this.data(answer).placeHold.id;
  }

  private readonly actorTokens = new Map<string, string>();

  private tokenFor(actor: Actor): string {
    const key = `${actor.userId}:${actor.username}:${actor.role}`;
    let token = this.actorTokens.get(key);
    if (!token) {
      token = this.tokens.sign(actor);
      if (this.actorTokens.size > 500) this.actorTokens.clear();
      this.actorTokens.set(key, token);
    }
    return token;
  }

  /** Tracking's domain refusals (codes and messages meant for the user) pass through unchanged. */
  private dataOrDomainError<T>(answer: GraphqlAnswer<T>): T {
    const e = answer.errors?.[0];
    const code = e?.extensions?.code;
    if (e && code && isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') throw new DomainError(code, e.message);
    return this.data(answer);
  }

  private data<T>(answer: GraphqlAnswer<T>): T {
    // Tracking refusing the caller's own input, or its storage being away, is no internal error of this
    // service: it goes back as it came (found by fuzzing: a product code with U+0000).
    const code = answer.errors?.[0]?.extensions?.code;
    if (code === 'VALIDATION_FAILED' || code === 'SERVICE_UNAVAILABLE') throw new DomainError(code, answer.errors?.[0]?.message ?? code);
    if (answer.errors?.length || !answer.data) {
      throw new Error(`tracking answered with errors: ${JSON.stringify(answer.errors)}`);
    }
    return answer.data;
  }

  /** One POST to tracking, in a CLIENT span named after the operation (tracing on). */
  private call<T>(query: string, variables: Record<string, unknown>, token = this.token, headers: Record<string, string> = {}) {
    // The queries are anonymous: the span is named after the kind and the first root field.
    const [, kind = 'query', field = 'unknown'] = /^\s*(?:(query|mutation)\b)?[^{]*\{\s*(\w+)/.exec(query) ?? [];
    return inClientSpan(`tracking ${kind} ${field}`, { 'server.address': this.url }, () => this.post<T>(query, variables, token, headers));
  }

  private async post<T>(
    query: string,
    variables: Record<string, unknown>,
    token: string,
    headers: Record<string, string>,
  ): Promise<GraphqlAnswer<T>> {
    let res: Response;
    const correlationId = currentCorrelationId();
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          // The request or job this call serves, so tracking's log lines carry its id too.
          ...(correlationId ? { [CORRELATION_HEADER]: correlationId } : {}),
          ...traceHeaders(),
          ...headers,
        },
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
