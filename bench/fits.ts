import { join } from 'node:path';
import type { FitOutcome } from './fit-worker';
import { log, run } from './util';

export const FIT_JOBS = ['kmeans', 'rfm', 'lifetime', 'rules'] as const;

export const FIT_LABELS: Record<string, string> = {
  kmeans: 'K-means segments (k 4, 10 restarts)',
  rfm: 'RFM quintiles',
  lifetime: 'Pareto/NBD (default purchase model) + Gamma-Gamma',
  rules: 'Association rules',
};

/** Each fit in a fresh process: its peak RSS is its own and one fit's garbage does not slow the next. */
export async function runFits(databaseUrl: string): Promise<FitOutcome[]> {
  const outcomes: FitOutcome[] = [];
  for (const job of FIT_JOBS) {
    try {
      const { stdout } = await run(process.execPath, ['--expose-gc', '--max-old-space-size=8192', join(__dirname, 'fit-worker.js'), job, databaseUrl]);
      const outcome = JSON.parse(stdout.trim().split('\n').pop()!) as FitOutcome;
      outcomes.push(outcome);
      log(`fit ${job}: ${outcome.status}${outcome.fitMs !== undefined ? ` ${outcome.fitMs.toFixed(0)} ms` : ''}${outcome.reason ? ` (${outcome.reason})` : ''}`);
    } catch (e) {
      outcomes.push({ job, status: 'failed', reason: (e as Error).message.slice(0, 500), steps: [] });
      log(`fit ${job}: failed: ${(e as Error).message.slice(0, 200)}`);
    }
  }
  return outcomes;
}
