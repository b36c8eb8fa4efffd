import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FIT_JOBS, type FitJobs } from './fits';

type Input<J extends keyof FitJobs> = Parameters<FitJobs[J]>[0];
type Output<J extends keyof FitJobs> = ReturnType<FitJobs[J]>;

const ERRORS: Record<string, ErrorConstructor> = { RangeError, TypeError };

/**
 * One worker thread for the population fits, so that a fit of 100,000 customers does not stop the event loop
 * (the machine has two cores: one serves, one fits). Compiled code only: under ts-node/ts-jest, where no
 * compiled worker exists, jobs run inline.
 */
export class FitPool {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly workerFile = join(__dirname, 'fit-worker.js');
  readonly threaded = __filename.endsWith('.js') && existsSync(this.workerFile);

  run<J extends keyof FitJobs>(job: J, input: Input<J>, transfer: ArrayBuffer[] = []): Promise<Output<J>> {
    if (!this.threaded) return Promise.resolve().then(() => (FIT_JOBS[job] as (i: Input<J>) => Output<J>)(input));
    const worker = this.ensureWorker();
    const id = this.next++;
    return new Promise<Output<J>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, job, input }, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerFile);
    worker.unref();
    worker.on('message', (msg: { id: number; result?: unknown; error?: { name: string; message: string } }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new (ERRORS[msg.error.name] ?? Error)(msg.error.message));
      else p.resolve(msg.result);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.worker = null;
      this.failAll(new Error('the fit worker stopped'));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
