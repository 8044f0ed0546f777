import { Logger } from '@nestjs/common';
import { Role, type TokenService } from '@mes/auth';

export interface CellProcessValues {
  /** Trace channel means over the cell's MD span, keyed "<operation> <channel> [unit]". */
  traces: Record<string, number>;
  /** Layer thickness at the cell from the newest thickness maps, keyed "<layer> thickness [µm]". */
  thickness: Record<string, number>;
}

/**
 * The process service's cell provenance through its public GraphQL (with test-data's own token):
 * test-data never reads the process tables.
 */
export class ProcessClient {
  private readonly logger = new Logger('ProcessClient');
  private readonly token: string;

  constructor(
    private readonly url: string,
    tokens: TokenService,
  ) {
    this.token = tokens.sign({ userId: '0', username: 'svc-test-data', role: Role.ADMIN });
  }

  /** Process values at one cell, or null when the process service knows nothing of it (no runs recorded). */
  async cell(sheet: string, row: number, col: number): Promise<CellProcessValues | null> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({
          query: `query($s: String!, $r: Int!, $c: Int!) { cellProvenance(sheet: $s, row: $r, col: $c) {
                    layers { operation traces { channel unit mean } } thickness { layer thicknessUm } } }`,
          variables: { s: sheet, r: row, c: col },
        }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      this.logger.warn(`process at ${this.url} did not answer: ${e instanceof Error ? e.message : String(e)}`);
      throw new Error(`the process service at ${this.url} does not answer`);
    }
    type Answer = {
      data?: {
        cellProvenance: {
          layers: Array<{ operation: string; traces: Array<{ channel: string; unit: string; mean: number }> }>;
          thickness: Array<{ layer: string; thicknessUm: number }>;
        };
      } | null;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    const answer = (await res.json()) as Answer;
    const code = answer.errors?.[0]?.extensions?.code;
    if (code === 'NOT_FOUND' || code === 'UNKNOWN_BARCODE') return null;
    if (answer.errors?.length || !answer.data) throw new Error(`process answered with errors: ${JSON.stringify(answer.errors)}`);
    const p = answer.data.cellProvenance;
    const traces: Record<string, number> = {};
    for (const l of p.layers) for (const t of l.traces) traces[`${l.operation} ${t.channel} [${t.unit}]`] = t.mean;
    const thickness: Record<string, number> = {};
    for (const t of p.thickness) thickness[`${t.layer} thickness [µm]`] = t.thicknessUm;
    return { traces, thickness };
  }
}
