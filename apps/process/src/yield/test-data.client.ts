import { Logger } from '@nestjs/common';
import { Role, type TokenService } from '@mes/auth';
import { DomainError } from '@mes/service-core';

export interface RegionInput {
  label: string;
  rollBarcode: string;
  mdStartMm: number;
  mdEndMm: number;
}

export interface RegionYield {
  label: string;
  cellsTested: number;
  cellsPassed: number;
  firstPassYield: number | null;
  finalYield: number | null;
}

/** The test-data service's yield over roll regions, through its public GraphQL with this service's token. */
export class TestDataClient {
  private readonly logger = new Logger(TestDataClient.name);
  private readonly token: string;

  constructor(
    private readonly url: string,
    tokens: TokenService,
  ) {
    this.token = tokens.sign({ userId: '0', username: 'svc-process', role: Role.ADMIN });
  }

  async regionYield(regions: RegionInput[]): Promise<RegionYield[]> {
    if (regions.length === 0) return [];
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({
          query: 'query($r: [RegionInput!]!) { regionYield(regions: $r) { label cellsTested cellsPassed firstPassYield finalYield } }',
          variables: { r: regions },
        }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      this.logger.warn(`test-data at ${this.url} did not answer: ${e instanceof Error ? e.message : String(e)}`);
      throw new DomainError('SERVICE_UNAVAILABLE', 'The test-data service does not answer; yield cannot be computed now, retry later');
    }
    const answer = (await res.json()) as { data?: { regionYield: RegionYield[] }; errors?: { message: string }[] };
    if (answer.errors?.length || !answer.data) throw new Error(`test-data answered with errors: ${JSON.stringify(answer.errors)}`);
    return answer.data.regionYield;
  }
}
