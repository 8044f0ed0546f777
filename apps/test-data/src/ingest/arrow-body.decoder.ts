import path from 'node:path';
import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { DomainError } from '@mes/service-core';
import { encodeSheetTestArrow, validationMessage, type ArrowReading, type ArrowSheetTest } from '@mes/sheet-test';

// As the binning worker's fitting threads: TypeScript through swc, paths resolved here.
const BOOT = `const { workerData } = require('node:worker_threads'); require(workerData.register); require(workerData.entry);`;
const REGISTER = require.resolve('@swc-node/register');

interface Task {
  id: number;
  bytes: Uint8Array;
  timeoutMs: number;
  resolve: (test: ArrowSheetTest) => void;
  reject: (e: Error) => void;
}

/**
 * Decodes Arrow sheet-test bodies on a thread of their own with a capped heap. The Arrow library
 * trusts the lengths and counts inside a stream's metadata: a corrupt stream (one flatbuffer string
 * of another length was enough in a test) makes it allocate until the process runs out of memory.
 * On this thread such a body costs the thread, which is replaced, and the rig gets a 422; the
 * service and the other posts in flight are not touched. A body that takes longer than `timeoutMs`
 * is treated the same way. Bodies are decoded one at a time (a few ms each); the bytes are moved to
 * the thread and the columns back, not copied.
 */
export class ArrowBodyDecoder {
  private thread: Worker | null = null;
  private readonly waiting: Task[] = [];
  private current: { task: Task; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private closed = false;
  private timedOut = false;

  constructor(
    private readonly heapMb: number,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * Starts the thread and has it read a few small streams in the background, so that the first
   * rig's post does not pay for loading the Arrow library and compiling the reader. The service
   * does not wait for it (Nest calls this at start): a post that comes first waits its turn.
   */
  onModuleInit(): void {
    void this.warmUp();
  }

  private async warmUp(): Promise<void> {
    const logger = new Logger('ArrowBodyDecoder');
    const cells = Array.from({ length: 64 }, (_, i) => ({ row: i >> 3, col: i & 7, ocvV: 0.4, zReOhm: [1, 2], zImOhm: [-1, -2] }));
    const header = { testId: 'warm-up', sheet: 'S', startedAt: '2026-01-01T00:00:00Z', temperatureC: 25, frequenciesHz: [10, 1] };
    const t0 = performance.now();
    try {
      // A fresh stream each time: decode() moves the bytes to the thread. The first read also loads
      // the thread's code, which takes seconds while the whole MES starts.
      for (let i = 0; i < 3; i++) await this.decode(encodeSheetTestArrow({ ...header, cells }), 120_000);
      logger.log(`Arrow body thread ready (${Math.round(performance.now() - t0)} ms, heap cap ${this.heapMb} MB)`);
    } catch (e) {
      if (!this.closed) logger.warn(`Arrow body thread not warmed up: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The stream's columns (for SheetTestIngestService.ingestArrow), or a VALIDATION_FAILED DomainError. */
  decode(bytes: Uint8Array, timeoutMs = this.timeoutMs): Promise<ArrowSheetTest> {
    if (this.closed) return Promise.reject(new Error('the Arrow body decoder is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, bytes, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  /** Nest calls it when the service stops. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.reject(new Error('the Arrow body decoder is closed'));
    const current = this.current;
    if (current) {
      clearTimeout(current.timer);
      this.current = null;
      current.task.reject(new Error('the Arrow body decoder is closed'));
    }
    const thread = this.thread;
    this.thread = null;
    if (thread) await thread.terminate();
  }

  private spawn(): Worker {
    const thread = new Worker(BOOT, {
      eval: true,
      workerData: { register: REGISTER, entry: path.join(__dirname, 'arrow-body.thread.ts') },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 64 },
    });
    thread.unref();
    thread.on('message', (msg: { id: number; result: ArrowReading }) => {
      const current = this.current;
      if (!current || current.task.id !== msg.id) return;
      this.finish();
      const r = msg.result;
      if (r.ok) current.task.resolve(r.test);
      else current.task.reject(new DomainError('VALIDATION_FAILED', validationMessage(r.details, r.problems), r.details));
    });
    const lost = (why: string) => {
      if (this.thread !== thread) return;
      this.thread = null;
      const current = this.current;
      if (!current) return;
      this.finish();
      current.task.reject(
        new DomainError(
          'VALIDATION_FAILED',
          `invalid sheet test: the Arrow body could not be decoded (${why}); it is corrupt or truncated`,
          [{ path: '', message: 'expected an Arrow IPC stream whose metadata matches its data' }],
        ),
      );
    };
    thread.on('error', (e) =>
      lost(
        /ERR_WORKER_OUT_OF_MEMORY|out of memory/i.test(`${(e as { code?: string }).code} ${e.message}`)
          ? `it needed more than ${this.heapMb} MB`
          : e.message,
      ),
    );
    thread.on('exit', (code) =>
      lost(
        this.timedOut
          ? `it took longer than ${(this.current?.task.timeoutMs ?? this.timeoutMs) / 1000} s`
          : `the decoder stopped with code ${code}`,
      ),
    );
    return thread;
  }

  private finish(): void {
    if (this.current) clearTimeout(this.current.timer);
    this.current = null;
    setImmediate(() => this.dispatch());
  }

  private dispatch(): void {
    if (this.current || this.closed || !this.waiting.length) return;
    const task = this.waiting.shift() as Task;
    if (!this.thread) {
      this.timedOut = false;
      this.thread = this.spawn();
    }
    const thread = this.thread;
    const timer = setTimeout(() => {
      // Hung on a corrupt stream: the thread is dropped (its exit event rejects the task).
      this.timedOut = true;
      void thread.terminate();
    }, task.timeoutMs);
    timer.unref();
    this.current = { task, timer };
    try {
      // Moved, not copied; a copy only when the bytes are a view into a larger (pooled) buffer, whose
      // whole would move. Empty bytes (an empty body, or bytes moved already) go as they are.
      const b = task.bytes;
      const own = b.byteLength === 0 || (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) ? b : b.slice();
      thread.postMessage({ id: task.id, bytes: own }, own.byteLength ? [own.buffer as ArrayBuffer] : []);
    } catch (e) {
      // Bytes that cannot be moved (already moved once): this task fails, the next one goes on.
      this.finish();
      task.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
