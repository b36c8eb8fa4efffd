import { SingleBar } from 'cli-progress';

export interface Progress {
  update(value: number): void;
  stop(): void;
}

/**
 * Progress of a long job on stderr: a cli-progress bar on a terminal, shown only once the job has taken
 * more than a second; otherwise (CI, a log file) one plain line every few seconds. Lines are driven by
 * update() rather than timers, because the synchronous SQLite driver starves timers during a load.
 */
export function startProgress(label: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let bar: SingleBar | null = null;
  let lastLine = started;
  return {
    update(value) {
      const now = Date.now();
      if (stream.isTTY) {
        if (!bar && now - started > 1000) {
          bar = new SingleBar({ stream, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`, hideCursor: true });
          bar.start(total, value);
        }
        bar?.update(value);
      } else if (now - lastLine >= 5000) {
        lastLine = now;
        stream.write(`${label}: ${value.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit} (${Math.round((100 * value) / Math.max(1, total))}%, ${((now - started) / 1000).toFixed(0)} s)\n`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
