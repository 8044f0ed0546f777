import { Inject, Injectable, Logger } from '@nestjs/common';
import { Role, TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { DomainError } from '@mes/service-core';
import { MES_CONFIG } from '../tracking.config';

/** The operation whose track-in needs final sheet-test results. */
export const SINGULATION = 'SINGULATION';

/**
 * The singulation interlock: a sheet is tracked into singulation only when every tested cell has a
 * current result and no retest is pending. Tracking asks test-data (its public GraphQL, with the
 * svc-tracking token) at that one track-in, rather than test-data marking sheets, so the rule holds
 * however the sheet reached the step (a rig, a hand scan, a rebin). When test-data does not answer
 * the track-in is refused (fail closed): a sheet never goes on unchecked.
 */
@Injectable()
export class SingulationGate {
  private readonly logger = new Logger(SingulationGate.name);
  private readonly token: string;

  constructor(
    @Inject(MES_CONFIG) private readonly config: MesConfig,
    tokens: TokenService,
  ) {
    this.token = tokens.sign({ userId: '0', username: 'svc-tracking', role: Role.ADMIN });
  }

  async check(sheet: { barcode: string; productCode: string; cols: number }): Promise<void> {
    let answer: {
      data?: {
        sheetTests: { testId: string; status: string }[];
        sheetMap: { values: (number | null)[] };
        productTestPolicy: { maxRetests: number };
      };
      errors?: { message: string }[];
    };
    try {
      const res = await fetch(this.config.testData.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({
          query:
            'query($s: String!, $p: String!) { sheetTests(sheet: $s) { testId status } sheetMap(sheet: $s, metric: SOFT_BIN) { values } productTestPolicy(productCode: $p) { maxRetests } }',
          variables: { s: sheet.barcode, p: sheet.productCode },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      answer = (await res.json()) as typeof answer;
    } catch (e) {
      this.logger.warn(
        `test-data did not answer the singulation interlock for ${sheet.barcode}: ${e instanceof Error ? e.message : String(e)}`,
      );
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        `Sheet ${sheet.barcode} cannot be tracked into ${SINGULATION} now: the test-data service does not answer, so its results cannot be checked; retry later`,
      );
    }
    if (!answer.data) throw new Error(`test-data answered the singulation interlock with errors: ${JSON.stringify(answer.errors)}`);
    const problem = singulationProblem(
      sheet,
      answer.data.sheetTests,
      answer.data.sheetMap.values,
      answer.data.productTestPolicy.maxRetests,
    );
    if (problem) {
      throw new DomainError('CONFLICT', `Sheet ${sheet.barcode} cannot be tracked into ${SINGULATION}: ${problem}`, [], {
        reason: 'RESULTS_NOT_FINAL',
      });
    }
  }
}

/**
 * Why a sheet's results are not final, or null. The same rule as singulationProblem in
 * @mes/assembly (which services outside tracking's scope use for pick maps).
 */
export function singulationProblem(
  sheet: { barcode: string; cols: number },
  tests: { testId: string; status: string }[],
  softBins: (number | null)[],
  maxRetests: number,
): string | null {
  if (tests.length === 0) return `it has never been tested: every sheet is tested at SHEET_TEST before singulation`;
  const open = tests.filter((t) => t.status === 'QUEUED' || t.status === 'BINNING');
  if (open.length)
    return `test ${open.map((t) => t.testId).join(', ')} is still ${open[0].status}: wait until its cells have their results`;
  if (tests.every((t) => t.status === 'FAILED'))
    return `every test of it failed to bin (${tests.map((t) => t.testId).join(', ')}): its cells have no result; post the test again`;
  const faults: string[] = [];
  softBins.forEach((b, i) => {
    if (b === 0) faults.push(`(${Math.floor(i / sheet.cols)}, ${i % sheet.cols})`);
  });
  const retestsDone = tests.filter((t) => t.status === 'DONE').length - 1;
  if (faults.length && retestsDone < maxRetests) {
    return `${faults.length} cell(s) wait for a retest after a rig fault (soft bin 0): ${faults.slice(0, 10).join(', ')}${faults.length > 10 ? ', ...' : ''}; ${retestsDone} of ${maxRetests} retest(s) done`;
  }
  return null;
}
