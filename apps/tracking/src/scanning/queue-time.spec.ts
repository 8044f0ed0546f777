import { queueSources, queueTimeHoldReason, type VacuumExit } from './queue-time';

const link = (childRollId: string, parentRollId: string) => ({
  childRollId,
  parentRollId,
  childMdStartMm: 0,
  childMdEndMm: 1,
  parentMdStartMm: 0,
  parentCdStartMm: 0,
});

describe('queue time', () => {
  describe('queueSources', () => {
    it('looks at a roll itself when it has no parents', () => {
      expect(queueSources('ROLL', '7', '7', [])).toEqual([{ kind: 'ROLL', id: '7', generation: 0 }]);
    });

    it('looks at a sheet, then the roll it was cut from, then that roll’s parents, nearest first', () => {
      // Roll 3 was spliced from 1 and 2; roll 2 was slit from 0.
      expect(queueSources('SHEET', '40', '3', [link('3', '1'), link('3', '2'), link('2', '0')])).toEqual([
        { kind: 'SHEET', id: '40', generation: 0 },
        { kind: 'ROLL', id: '3', generation: 1 },
        { kind: 'ROLL', id: '1', generation: 2 },
        { kind: 'ROLL', id: '2', generation: 2 },
        { kind: 'ROLL', id: '0', generation: 3 },
      ]);
    });
  });

  describe('queueTimeHoldReason', () => {
    const step = { seq: 7, operation: 'INTERLAYER', maxQueueMinutes: 120 };
    const exit: VacuumExit = {
      eventId: '11',
      own: true,
      unitKind: 'SHEET',
      rollBarcode: null,
      operation: 'LIPON_DEPOSITION',
      stepSeq: 6,
      at: new Date('2026-01-02T03:04:05.000Z'),
      minutes: 121,
      accepted: false,
    };

    it('holds past the limit, naming the step, the queue time, the vacuum step and the limit', () => {
      expect(queueTimeHoldReason(step, exit)).toBe(
        'Queue time exceeded before INTERLAYER (route step 7): 121 min in air since it left vacuum step LIPON_DEPOSITION (route step 6) at 2026-01-02T03:04:05.000Z; limit 120 min',
      );
    });

    it('names the source roll when the vacuum step was run on it', () => {
      expect(
        queueTimeHoldReason(step, { ...exit, own: false, unitKind: 'ROLL', rollBarcode: 'R0001', operation: 'LCO_DEPOSITION', stepSeq: 3 }),
      ).toContain('121 min in air since its source roll R0001 left vacuum step LCO_DEPOSITION (route step 3)');
    });

    it('lets the unit go at the limit, without a limit, with nothing to count from, or once the exposure was accepted', () => {
      expect(queueTimeHoldReason(step, { ...exit, minutes: 120 })).toBeNull();
      expect(queueTimeHoldReason({ ...step, maxQueueMinutes: null }, exit)).toBeNull();
      expect(queueTimeHoldReason(step, null)).toBeNull();
      expect(queueTimeHoldReason(step, { ...exit, accepted: true })).toBeNull();
    });
  });
});
