import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, ErrorCode } from '../../common/errors';
import { FIT_JOBS, type FitJobs } from './fits';
import { DEFAULT_ANALYTIC_LIMITS } from './limits';

type Input<J extends keyof FitJobs> = Parameters<FitJobs[J]>[0];
type Output<J extends keyof FitJobs> = ReturnType<FitJobs[J]>;

const ERRORS: Record<string, ErrorConstructor> = { RangeError, TypeError };

export type FitBudget = 'request' | 'shared';

interface Job {
  job: keyof FitJobs;
  timeoutMs: number;
  input: unknown;
  transfer: ArrayBuffer[];
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * One worker thread for the population fits, so that a fit of 100,000 customers does not stop the event loop
 * (the machine has two cores: one serves, one fits). Jobs run one at a time, each within a time budget, in a
 * worker whose heap is capped: a fit that overruns either is stopped (the worker is terminated and the next
 * job gets a fresh one), its caller gets ANALYTICS_LIMIT, and the process and every other request go on.
 * Compiled code only: under ts-node/ts-jest, where no compiled worker exists, jobs run inline.
 */
export class FitPool {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private running: { job: Job; timer: NodeJS.Timeout | undefined } | null = null;
  private workerOnline = false;
  private readonly workerFile = join(__dirname, 'fit-worker.js');
  readonly threaded = __filename.endsWith('.js') && existsSync(this.workerFile);

  constructor(private readonly limits = { timeoutMs: DEFAULT_ANALYTIC_LIMITS.fitTimeoutMs, sharedTimeoutMs: DEFAULT_ANALYTIC_LIMITS.sharedFitTimeoutMs, heapMb: DEFAULT_ANALYTIC_LIMITS.fitHeapMb }) {}

  /** `budget`: 'request' for what a request's arguments chose (FIT_TIMEOUT_MS), 'shared' for a default model on current data. */
  run<J extends keyof FitJobs>(job: J, input: Input<J>, transfer: ArrayBuffer[] = [], budget: FitBudget = 'request'): Promise<Output<J>> {
    if (!this.threaded) return Promise.resolve().then(() => (FIT_JOBS[job] as (i: Input<J>) => Output<J>)(input));
    return new Promise<Output<J>>((resolve, reject) => {
      this.queue.push({ job, input, transfer, timeoutMs: budget === 'shared' ? this.limits.sharedTimeoutMs : this.limits.timeoutMs, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || !this.queue.length) return;
    const job = this.queue.shift()!;
    const worker = this.ensureWorker();
    const running: { job: Job; timer: NodeJS.Timeout | undefined } = { job, timer: undefined };
    this.running = running;
    // The budget is the fit's own: it starts once the worker runs (a fresh worker takes a moment to boot).
    const startBudget = () => {
      if (this.running !== running) return;
      running.timer = setTimeout(() => this.abort(new AppError(ErrorCode.ANALYTICS_LIMIT,
        `the ${job.job} fit ran past its ${job.timeoutMs / 1000} s budget and was stopped; narrow the query (or raise FIT_TIMEOUT_MS)`)), job.timeoutMs);
    };
    if (this.workerOnline) startBudget();
    else worker.once('online', startBudget);
    worker.postMessage({ id: 1, job: job.job, input: job.input }, job.transfer);
  }

  private finish(settle: (job: Job) => void): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(r.timer);
    this.running = null;
    settle(r.job);
    this.pump();
  }

  /** Stops the running fit: its worker goes, the next job starts on a new one. */
  private abort(err: Error): void {
    const w = this.worker;
    this.worker = null;
    this.finish((job) => job.reject(err));
    void w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerFile, { resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb } });
    worker.unref();
    this.workerOnline = false;
    worker.once('online', () => {
      if (this.worker === worker) this.workerOnline = true;
    });
    worker.on('message', (msg: { result?: unknown; error?: { name: string; message: string } }) => {
      if (this.worker !== worker) return;
      this.finish((job) => (msg.error ? job.reject(new (ERRORS[msg.error.name] ?? Error)(msg.error.message)) : job.resolve(msg.result)));
    });
    worker.on('error', (err: NodeJS.ErrnoException) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const heap = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.finish((job) => job.reject(heap
        ? new AppError(ErrorCode.ANALYTICS_LIMIT, `the ${job.job} fit needed more than its ${this.limits.heapMb} MB and was stopped; narrow the query (or raise FIT_HEAP_MB)`)
        : err));
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.finish((job) => job.reject(new Error('the fit worker stopped')));
    });
    this.worker = worker;
    return worker;
  }

  async stop(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('the server is stopping'));
    const w = this.worker;
    this.worker = null;
    this.finish((job) => job.reject(new Error('the server is stopping')));
    if (w) await w.terminate();
  }
}
