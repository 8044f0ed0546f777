import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STACK_TEST, validateStackTestBody } from '@mes/assembly';
import { Role, type Actor } from '@mes/auth';
import { DomainError, readJsonBody } from '@mes/service-core';
import { LineData } from '../clients/line-data';
import { StackService } from './stack.service';

/** A stack test body is one spectrum: 200 frequencies of three numbers fit in far less. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * A stack test rig's post (docs/contracts.md "Stack tests"): the same X-Api-Key scheme as sheet-test
 * rigs. Keys are test-data's, so the rig is asked of test-data (rigForKey); the rig's station must
 * perform STACK_TEST, and the test is judged at that station.
 */
@Controller('api/v1/stack-tests')
export class StackTestController {
  constructor(
    private readonly stacks: StackService,
    private readonly line: LineData,
  ) {}

  @Post()
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const key = header(req, 'x-api-key');
    if (!key) {
      req.resume();
      throw new DomainError('UNAUTHENTICATED', 'Missing X-Api-Key header: stack test rigs authenticate with the key registerRig returned');
    }
    const rig = await this.line.rigForKey(key);
    if (!rig) {
      req.resume();
      throw new DomainError(
        'UNAUTHENTICATED',
        'Unknown API key: register the rig at a STACK_TEST station (registerRig) and send the key it returned',
      );
    }
    const operation = await this.line.stationOperation(rig.stationCode);
    if (operation !== STACK_TEST) {
      req.resume();
      throw new DomainError(
        'FORBIDDEN',
        `Rig ${rig.name} belongs to station ${rig.stationCode} (${operation ?? 'unknown'}), not to a ${STACK_TEST} station: it cannot post stack tests`,
      );
    }
    const parsed = validateStackTestBody(await readJsonBody(req, MAX_BODY_BYTES));
    if (!parsed.ok)
      throw new DomainError(
        'VALIDATION_FAILED',
        `The stack test is invalid (${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}: ${parsed.problems[0].path || 'body'}: ${parsed.problems[0].message}); nothing was stored`,
        parsed.problems,
      );
    const body = parsed.value;
    const actor: Actor = { userId: '0', username: `rig:${rig.name}`.slice(0, 64), role: Role.OPERATOR };
    const { created, test } = await this.stacks.record(actor, {
      testId: body.testId,
      stackBarcode: body.stack,
      stationCode: rig.stationCode,
      ocvV: body.ocvV,
      frequenciesHz: body.frequenciesHz,
      zReOhm: body.zReOhm,
      zImOhm: body.zImOhm,
    });
    res.status(created ? 201 : 200).json({
      testId: test.testId,
      stack: body.stack,
      bin: test.bin,
      reason: test.reason,
      deviation: test.deviation,
      suspectLayer: test.suspectLayer,
    });
  }
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
