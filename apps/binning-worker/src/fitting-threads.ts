import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CellFeatures } from '@mes/eis';
import type { FeatureRequest } from './extract-features';

interface Task {
  id: number;
  request: FeatureRequest;
  resolve: (features: (CellFeatures | null)[]) => void;
  reject: (e: Error) => void;
}

interface Slot {
  thread: Worker;
  task: Task | null;
}

// The thread runs TypeScript through swc, as every process of the MES does (npm start, tests, the
// Docker image); both paths are resolved here, so the thread does not depend on its working directory.
const BOOT = `const { workerData } = require('node:worker_threads'); require(workerData.register); require(workerData.entry);`;
const REGISTER = require.resolve('@swc-node/register');

/**
 * A fixed pool of threads that fit spectra (pure CPU work), one per BINNING_CONCURRENCY. The worker's
 * main thread keeps BullMQ's bookkeeping (lock renewal, stalled checks) and the database I/O, so a
 * chunk being fitted never stalls its own job, and two chunks of one sheet fit on two cores at once.
 * A thread that dies fails only the chunk in hand (BullMQ retries it) and is replaced.
 */
export class FittingThreads {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push({ thread: this.spawn(), task: null });
  }

  extract(request: FeatureRequest): Promise<(CellFeatures | null)[]> {
    if (this.closed) return Promise.reject(new Error('the fitting threads are closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, request, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.reject(new Error('the fitting threads are closed'));
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }

  private spawn(): Worker {
    const thread = new Worker(BOOT, { eval: true, workerData: { register: REGISTER, entry: path.join(__dirname, 'feature-thread.ts') } });
    thread.unref();
    thread.on('message', (msg: { id: number; features?: (CellFeatures | null)[]; error?: string }) => {
      const slot = this.slots.find((s) => s.thread === thread);
      const task = slot?.task;
      if (!slot || !task || task.id !== msg.id) return;
      slot.task = null;
      if (msg.error !== undefined) task.reject(new Error(`fitting failed: ${msg.error}`));
      else task.resolve(msg.features ?? []);
      this.dispatch();
    });
    thread.on('error', (e) => this.replace(thread, e));
    thread.on('exit', (code) => this.replace(thread, new Error(`fitting thread exited with code ${code}`)));
    return thread;
  }

  private replace(thread: Worker, error: Error): void {
    const slot = this.slots.find((s) => s.thread === thread);
    if (!slot) return;
    slot.task?.reject(error);
    slot.task = null;
    if (this.closed) return;
    slot.thread = this.spawn();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task || !this.waiting.length) continue;
      const task = this.waiting.shift() as Task;
      slot.task = task;
      slot.thread.postMessage({ id: task.id, request: task.request });
    }
  }
}
