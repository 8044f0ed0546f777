import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ENGINEERING, TokenService } from '@mes/auth';
import { IMPEDANCE_FORMATS, ImpedanceFileError, labSheetTestBody, parseImpedanceFile, type ImpedanceFormat } from '@mes/interop';
import { DomainError, readJsonBody, type ErrorDetail } from '@mes/service-core';
import { validateSheetTestBody, validationMessage } from '@mes/sheet-test';
import { SheetTestIngestService } from '../ingest/sheet-test-ingest.service';
import { INGEST_LIMITS } from '../ingest/sheet-tests.controller';
import { RigService } from '../rigs/rig.service';

interface UploadBody {
  rig?: unknown;
  sheet?: unknown;
  row?: unknown;
  col?: unknown;
  ocvV?: unknown;
  temperatureC?: unknown;
  startedAt?: unknown;
  files?: unknown;
}

/**
 * Engineers' upload of lab impedance files (`POST /api/v1/lab-spectra`, bearer token of an ENGINEER or
 * ADMIN): each file becomes a sheet test of the named lab rig through the same ingest as a rig's post,
 * so it is fitted and binned like the line's data. Every file is read and checked before any is stored.
 * Body: { rig, sheet, row, col, ocvV, temperatureC?, startedAt?, files: [{ name, content, format? }] }.
 */
@Controller('api/v1/lab-spectra')
export class LabSpectraController {
  constructor(
    private readonly ingest: SheetTestIngestService,
    private readonly tokens: TokenService,
    private readonly rigs: RigService,
    @Inject(INGEST_LIMITS) private readonly limits: { maxBodyBytes: number },
  ) {}

  @Post()
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    const actor = this.tokens.verify(/^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '');
    if (!actor) {
      req.resume();
      throw new DomainError('UNAUTHENTICATED', 'Missing, invalid or expired bearer token: log in and send Authorization: Bearer <token>');
    }
    if (!ENGINEERING.includes(actor.role)) {
      req.resume();
      throw new DomainError('FORBIDDEN', `Uploading lab spectra needs the ENGINEER or ADMIN role; ${actor.username} is ${actor.role}`);
    }
    const body = (await readJsonBody(req, this.limits.maxBodyBytes)) as UploadBody;
    const problems: ErrorDetail[] = [];
    const need = (ok: boolean, path: string, message: string): void => void (ok || problems.push({ path, message }));
    need(typeof body?.rig === 'string' && body.rig.length > 0, 'rig', 'expected the name of a registered lab rig');
    need(typeof body?.sheet === 'string' && body.sheet.length > 0, 'sheet', 'expected a sheet barcode');
    need(Number.isInteger(body?.row) && (body.row as number) >= 0, 'row', 'expected a whole number >= 0');
    need(Number.isInteger(body?.col) && (body.col as number) >= 0, 'col', 'expected a whole number >= 0');
    need(typeof body?.ocvV === 'number' && Number.isFinite(body.ocvV), 'ocvV', 'expected the open-circuit voltage in volts');
    need(
      body?.temperatureC === undefined || (typeof body.temperatureC === 'number' && Number.isFinite(body.temperatureC)),
      'temperatureC',
      'expected degrees Celsius',
    );
    need(
      body?.startedAt === undefined || (typeof body.startedAt === 'string' && !Number.isNaN(Date.parse(body.startedAt))),
      'startedAt',
      'expected an ISO 8601 time',
    );
    const files = Array.isArray(body?.files) ? (body.files as { name?: unknown; content?: unknown; format?: unknown }[]) : [];
    need(files.length > 0, 'files', 'expected 1 or more { name, content, format? }');
    files.forEach((f, i) => {
      need(typeof f?.name === 'string' && f.name.length > 0, `files[${i}].name`, 'expected the file name');
      need(typeof f?.content === 'string', `files[${i}].content`, 'expected the file text');
      need(
        f?.format === undefined || IMPEDANCE_FORMATS.includes(f.format as ImpedanceFormat),
        `files[${i}].format`,
        `expected one of ${IMPEDANCE_FORMATS.join(', ')}`,
      );
    });
    if (problems.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `Lab spectra upload refused: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        problems,
      );

    const rig = await this.rigs.byName(body.rig as string);
    if (!rig)
      throw new DomainError(
        'NOT_FOUND',
        `No rig named ${String(body.rig)}: register the lab rig first (registerRig at a SHEET_TEST station)`,
        [{ path: 'rig', message: 'expected a registered rig name' }],
      );
    const startedAt = (body.startedAt as string | undefined) ?? new Date().toISOString();
    const tests = files.map((f, i) => {
      try {
        const spectrum = parseImpedanceFile(f.name as string, f.content as string, f.format as ImpedanceFormat | undefined);
        const test = labSheetTestBody({
          spectrum,
          sheet: body.sheet as string,
          row: body.row as number,
          col: body.col as number,
          ocvV: body.ocvV as number,
          temperatureC: (body.temperatureC as number | undefined) ?? 25,
          startedAt,
        });
        const checked = validateSheetTestBody(test);
        if (!checked.ok)
          throw new DomainError(
            'VALIDATION_FAILED',
            `files[${i}] (${String(f.name)}): ${validationMessage(checked.details, checked.problems)}`,
            checked.details.map((d) => ({ ...d, path: `files[${i}].${d.path}` })),
          );
        return { name: f.name as string, format: spectrum.format, points: spectrum.freqHz.length, test };
      } catch (e) {
        if (e instanceof ImpedanceFileError || e instanceof RangeError)
          throw new DomainError('VALIDATION_FAILED', e.message, [{ path: `files[${i}]`, message: e.message }]);
        throw e;
      }
    });
    const answers = [];
    for (const t of tests) {
      const answer = await this.ingest.ingest(rig, t.test, `lab-upload:${actor.username}`);
      answers.push({ file: t.name, format: t.format, points: t.points, ...answer.body, repeat: answer.httpStatus === 200 });
    }
    res.status(answers.every((a) => a.repeat) ? 200 : 202).json({ tests: answers });
  }
}
