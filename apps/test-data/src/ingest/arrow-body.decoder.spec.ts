import { encodeSheetTestArrow, type SheetTestBody } from '@mes/sheet-test';
import { ArrowBodyDecoder } from './arrow-body.decoder';

const header = { testId: 'T-1', sheet: 'S-R0001-0001', startedAt: '2026-12-03T08:00:00Z', temperatureC: 25, frequenciesHz: [1e5, 10, 1] };
const body = (cells = 16): SheetTestBody => ({
  ...header,
  cells: Array.from({ length: cells }, (_, i) => ({ row: i >> 2, col: i & 3, ocvV: 0.4, zReOhm: [10, 20, 30], zImOhm: [-1, -2, -3] })),
});

/** The stream with its header's JSON one byte longer inside the flatbuffer: every offset after it is wrong. */
function corrupt(): Buffer {
  const good = Buffer.from(encodeSheetTestArrow(body(400)));
  const json = JSON.stringify(header);
  return Buffer.from(good.toString('latin1').replace(json, json.replace('"temperatureC":25', '"temperatureC":25.0')), 'latin1');
}

describe('Arrow bodies decoded on a thread of their own', () => {
  let decoder: ArrowBodyDecoder;
  // A small heap cap, so that a corrupt stream runs out of it quickly.
  beforeEach(() => (decoder = new ArrowBodyDecoder(64, 20_000)));
  afterEach(() => decoder.close());

  it('gives the columns of a stream back', async () => {
    const test = await decoder.decode(encodeSheetTestArrow(body()));
    expect(test.count).toBe(16);
    expect(Array.from(test.zRe.subarray(0, 3))).toEqual([10, 20, 30]);
    expect(test.header).toEqual(header);
  });

  it('refuses a corrupt stream with a 400 of the contract, and decodes the next body on a new thread', async () => {
    await expect(decoder.decode(corrupt())).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^invalid sheet test: (the Arrow body could not be decoded|not a complete Arrow IPC stream)/),
    });
    expect((await decoder.decode(encodeSheetTestArrow(body(4)))).count).toBe(4);
  }, 60_000);

  it('refuses bytes it was already given (they moved to the thread), and goes on', async () => {
    const bytes = encodeSheetTestArrow(body());
    await decoder.decode(bytes);
    await expect(decoder.decode(bytes)).rejects.toThrow();
    expect((await decoder.decode(encodeSheetTestArrow(body(8)))).count).toBe(8);
  });

  it('answers every post waiting when it closes', async () => {
    const settled = [decoder.decode(encodeSheetTestArrow(body())), decoder.decode(encodeSheetTestArrow(body()))].map((p) =>
      p.then(
        () => 'decoded',
        (e: Error) => e.message,
      ),
    );
    await decoder.close();
    expect(await Promise.all(settled)).toEqual(['the Arrow body decoder is closed', 'the Arrow body decoder is closed']);
    await expect(decoder.decode(encodeSheetTestArrow(body()))).rejects.toThrow(/closed/);
  });
});
