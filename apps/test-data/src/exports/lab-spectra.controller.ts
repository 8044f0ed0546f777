import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ENGINEERING, TokenService } from '@mes/auth';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ImpedanceFileError, labSheetTestBody, parseImpedanceFile } from '@mes/interop';
import { DomainError, readJsonBody, validationFailed } from '@mes/service-core';
import { validateSheetTestBody, validationMessage } from '@mes/sheet-test';
import { SheetTestIngestService } from '../ingest/sheet-test-ingest.service';
import { INGEST_LIMITS } from '../ingest/sheet-tests.controller';
import { RigService } from '../rigs/rig.service';
import { LabSpectraUploadInput } from './lab-spectra.model';

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
    const body = await labSpectraUploadOf(await readJsonBody(req, this.limits.maxBodyBytes));

    const rig = await this.rigs.byName(body.rig);
    if (!rig)
      throw new DomainError('NOT_FOUND', `No rig named ${body.rig}: register the lab rig first (registerRig at a SHEET_TEST station)`, [
        { path: 'rig', message: 'expected a registered rig name' },
      ]);
    const startedAt = body.startedAt ?? new Date().toISOString();
    const tests = body.files.map((f, i) => {
      try {
        const spectrum = parseImpedanceFile(f.name, f.content, f.format);
        const test = labSheetTestBody({
          spectrum,
          sheet: body.sheet,
          row: body.row,
          col: body.col,
          ocvV: body.ocvV,
          temperatureC: body.temperatureC ?? 25,
          startedAt,
        });
        const checked = validateSheetTestBody(test);
        if (!checked.ok)
          throw new DomainError(
            'VALIDATION_FAILED',
            `files[${i}] (${f.name}): ${validationMessage(checked.details, checked.problems)}`,
            checked.details.map((d) => ({ ...d, path: `files[${i}].${d.path}` })),
          );
        return { name: f.name, format: spectrum.format, points: spectrum.freqHz.length, test };
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

/**
 * The body as a LabSpectraUploadInput, checked by its class-validator rules: one problem per field
 * (its first), with the body's own paths (`rig`, `files[0].format`); unknown fields are ignored.
 */
export async function labSpectraUploadOf(raw: unknown): Promise<LabSpectraUploadInput> {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const body = isObject(raw) ? raw : {};
  // A file that is no object is checked as an empty one: its name and text are reported missing.
  const files = Array.isArray(body.files) ? body.files.map((f: unknown) => (isObject(f) ? f : {})) : body.files;
  const input = plainToInstance(LabSpectraUploadInput, { ...body, files });
  const errors = await validate(input, { stopAtFirstError: true });
  if (!errors.length) return input;
  const { details } = validationFailed(errors, '');
  const problems = details.map((d) => ({ ...d, path: d.path.replace(/^\./, '') }));
  throw new DomainError(
    'VALIDATION_FAILED',
    `Lab spectra upload refused: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    problems,
  );
}
