import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenService } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import type { CsvCopy } from './exports.repository';
import { ExportsService } from './exports.service';

/**
 * Downloads for engineers' tools (docs/exports.md): CSV, STDF V4 and SEMI E142. Every call carries
 * the same bearer token as GraphQL (any role may export).
 */
@Controller('api/v1/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService, private readonly tokens: TokenService) {}

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

  @Get('rolls/:roll/bins.csv')
  async rollBins(@Req() req: Request, @Res() res: Response, @Param('roll') roll: string): Promise<void> {
    this.authenticate(req);
    await streamCsv(res, `${roll}_bins.csv`, await this.exports.rollBinsCsv(roll));
  }

  private authenticate(req: Request): void {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m) throw new DomainError('UNAUTHENTICATED', 'Missing bearer token: send Authorization: Bearer <token> from the login mutation');
    if (!this.tokens.verify(m[1].trim())) throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token: log in again');
  }
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
