import { parentPort } from 'node:worker_threads';
import { FIT_JOBS, type FitJobs } from './fits';

/** Runs population fits off the main thread: { id, job, input } in, { id, result } or { id, error } out. */
parentPort?.on('message', (msg: { id: number; job: keyof FitJobs; input: never }) => {
  try {
    const result = FIT_JOBS[msg.job](msg.input);
    parentPort!.postMessage({ id: msg.id, result });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ id: msg.id, error: { name: err.name, message: err.message } });
  }
});
