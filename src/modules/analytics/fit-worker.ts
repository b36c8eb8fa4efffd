import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { FIT_JOBS, type FitJobs } from './fits';

/**
 * Fits are background work. On Linux this thread lowers its own scheduling priority (nice 10; a thread is a
 * task with its own id there), so that on a machine busy with requests the event loop and the database get
 * the CPU first. Elsewhere, or where that is not allowed, it keeps the default.
 */
function lowerOwnPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    /* not Linux: nothing to do */
  }
}

lowerOwnPriority();

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
