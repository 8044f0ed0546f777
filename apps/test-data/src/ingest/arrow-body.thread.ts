/**
 * Entry of the Arrow body thread (see ArrowBodyDecoder): reads one body per message into columns and
 * moves them back (typed arrays are transferred, not copied). Pure computation, no I/O.
 */
import { parentPort } from 'node:worker_threads';
import { readSheetTestArrow } from '@mes/sheet-test';

const port = parentPort;
if (!port) throw new Error('arrow-body.thread.ts runs only as a worker thread');
port.on('message', (msg: { id: number; bytes: Uint8Array }) => {
  const result = readSheetTestArrow(msg.bytes);
  const moved = result.ok
    ? [
        result.test.rows,
        result.test.cols,
        result.test.ocv,
        result.test.ocvValid,
        result.test.zRe,
        result.test.zIm,
        result.test.reValid,
        result.test.imValid,
      ].map((a) => a.buffer as ArrayBuffer)
    : [];
  port.postMessage({ id: msg.id, result }, moved);
});
