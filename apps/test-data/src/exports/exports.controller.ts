import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenService, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import type { CsvCopy } from '@mes/test-data-store';
import { checkBarcode, ExportsService } from './exports.service';
import { PickResultService } from './pick-result.service';

/** A pick result of the largest sheets is a few hundred KiB; anything far beyond is not one. */
const MAX_PICK_RESULT_BYTES = 16 * 1024 * 1024;

/**
 * Downloads for engineers' tools (docs/exports.md): CSV, STDF V4 and SEMI E142. Every call carries
 * the same bearer token as GraphQL (any role may export).
 */
@Controller('api/v1/exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly picks: PickResultService,
    private readonly tokens: TokenService,
  ) {}

  @Get('sheet-tests/:sheetTestId.csv')
  async sheetTestCsv(@Req() req: Request, @Res() res: Response, @Param('sheetTestId') id: string): Promise<void> {
    this.authenticate(req);
    await streamCsv(res, `${id}.csv`, await this.exports.sheetTestCsv(id));
  }

  @Get('sheet-tests/:sheetTestId.stdf')
  async sheetTestStdf(@Req() req: Request, @Res() res: Response, @Param('sheetTestId') id: string): Promise<void> {
    this.authenticate(req);
    const file = await this.exports.sheetTestStdf(id);
    res.status(200).type('application/octet-stream').attachment(file.fileName).send(file.body);
  }

  @Get('sheets/:sheet/results.csv')
  async sheetResults(@Req() req: Request, @Res() res: Response, @Param('sheet') sheet: string): Promise<void> {
    this.authenticate(req);
    await streamCsv(res, `${sheet}_results.csv`, await this.exports.sheetResultsCsv(sheet));
  }

  @Get('sheets/:sheet/results.stdf')
  async sheetResultsStdf(@Req() req: Request, @Res() res: Response, @Param('sheet') sheet: string): Promise<void> {
    this.authenticate(req);
    const file = await this.exports.sheetResultsStdf(sheet);
    res.status(200).type('application/octet-stream').attachment(file.fileName).send(file.body);
  }

  @Get('sheets/:sheet/bins.csv')
  async sheetBins(@Req() req: Request, @Res() res: Response, @Param('sheet') sheet: string): Promise<void> {
    this.authenticate(req);
    await streamCsv(res, `${sheet}_bins.csv`, await this.exports.sheetBinsCsv(sheet));
  }

  @Get('sheets/:sheet/e142.xml')
  async sheetE142(@Req() req: Request, @Res() res: Response, @Param('sheet') sheet: string): Promise<void> {
    this.authenticate(req);
    const xml = await this.exports.sheetE142(sheet);
    res.status(200).type('application/xml').attachment(`${sheet}_e142.xml`).send(xml);
  }

  @Get('rolls/:roll/cells.csv')
  async rollCells(@Req() req: Request, @Res() res: Response, @Param('roll') roll: string): Promise<void> {
    this.authenticate(req);
    await streamCsv(res, `${roll}_cells.csv`, await this.exports.rollCellsCsv(roll));
  }

  /** The roll as an STDF lot (each sheet a wafer), streamed sheet by sheet. */
  @Get('rolls/:roll/cells.stdf')
  async rollStdf(@Req() req: Request, @Res() res: Response, @Param('roll') roll: string): Promise<void> {
    this.authenticate(req);
    const file = await this.exports.rollStdf(roll);
    await streamChunks(res, file.fileName, file.chunks);
  }

  @Get('rolls/:roll/bins.csv')
  async rollBins(@Req() req: Request, @Res() res: Response, @Param('roll') roll: string): Promise<void> {
    this.authenticate(req);
    await streamCsv(res, `${roll}_bins.csv`, await this.exports.rollBinsCsv(roll));
  }

  /** The picker's E142 pick result for the sheet (Content-Type application/xml); replaces an earlier one. */
  @Post('sheets/:sheet/pick-result')
  async importPickResult(@Req() req: Request, @Res() res: Response, @Param('sheet') sheet: string): Promise<void> {
    const actor = this.authenticate(req);
    checkBarcode(sheet, 'sheet');
    const xml = await readXmlBody(req);
    res.status(201).json(await this.picks.import(actor, sheet, xml));
  }

  @Get('sheets/:sheet/pick-result.csv')
  async pickResult(@Req() req: Request, @Res() res: Response, @Param('sheet') sheet: string): Promise<void> {
    this.authenticate(req);
    await streamCsv(res, `${sheet}_pick_result.csv`, await this.exports.pickResultCsv(sheet));
  }

  private authenticate(req: Request): Actor {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m) throw new DomainError('UNAUTHENTICATED', 'Missing bearer token: send Authorization: Bearer <token> from the login mutation');
    const actor = this.tokens.verify(m[1].trim());
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token: log in again');
    return actor;
  }
}

/** The raw XML body, capped; refused unless it says it is XML. */
async function readXmlBody(req: Request): Promise<string> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/xml' && type !== 'text/xml') {
    req.resume();
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${type || '(none)'} is not accepted: expected application/xml (an E142 pick result)`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PICK_RESULT_BYTES) {
      req.resume();
      throw new DomainError('PAYLOAD_TOO_LARGE', `The pick result is larger than ${MAX_PICK_RESULT_BYTES} bytes; nothing was stored`, [], {
        limitBytes: MAX_PICK_RESULT_BYTES,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Streams binary pieces to the client, waiting for the socket to drain between them. A failure before
 * the first piece still gets an error answer; after it, the connection is cut so the client sees an
 * incomplete file rather than a short one that looks whole.
 */
async function streamChunks(res: Response, fileName: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.status(200).type('application/octet-stream').attachment(fileName);
  try {
    for (let piece = first; !piece.done; piece = await iterator.next()) {
      if (res.destroyed) {
        await iterator.return?.();
        return;
      }
      if (!res.write(piece.value)) await drainedOrClosed(res);
    }
    res.end();
  } catch (e) {
    res.destroy(e as Error);
  }
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Streams a COPY to the client with backpressure. The connection goes back to the pool only after a
 * complete COPY; one the client walked away from (or that failed) is closed instead, since it may be
 * in the middle of a COPY.
 */
function streamCsv(res: Response, fileName: string, copy: CsvCopy): Promise<void> {
  res.status(200).type('text/csv; charset=utf-8').attachment(fileName);
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (broken: boolean): void => {
      if (done) return;
      done = true;
      copy.client.release(broken);
      resolve();
    };
    copy.stream.on('error', (e) => {
      copy.stream.unpipe(res);
      if (!res.headersSent) {
        // Nothing sent yet: the error filter can still answer with a proper error body.
        res.removeHeader('Content-Disposition');
        if (!done) copy.client.release(true);
        done = true;
        reject(e);
        return;
      }
      // Headers are out: the only way to tell the client the file is incomplete is to cut the connection.
      res.destroy(e);
      finish(true);
    });
    copy.stream.on('end', () => finish(false));
    res.on('close', () => {
      if (!copy.stream.readableEnded) {
        copy.stream.destroy();
        finish(true);
      }
    });
    copy.stream.pipe(res);
  });
}
