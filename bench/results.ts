import type { BenchData } from './data';
import type { FitOutcome } from './fit-worker';
import type { FloorPageCheck } from './floor-check';
import type { LoadResult } from './load';
import type { ProbeResult } from './probe';
import type { FittedQuery } from './queries';

/** Everything one size's run measured; bench/results/<size>.json, from which REPORT.md is written. */
export interface SizeResult {
  size: string;
  startedAt: string;
  finishedAt: string;
  commit: string;
  options: { durationS: number; warmupS: number; connections: number[]; seed: number };
  machine: Machine;
  data: BenchData;
  sqliteData?: BenchData;
  queries: Record<string, FittedQuery>;
  /** Steady-state single requests: SQL statements counted on the wire, and CareGraph's own figures. */
  statements: Record<string, StatementSample>;
  /** Each object field of a workload alone (plus its scalar fields), single requests in steady state. */
  breakdown: Record<string, (StatementSample & { field: string })[]>;
  /** Objects in the plain response per server, and whether the floor's data equals CareGraph's. */
  plainShape: Record<string, { customers: number; purchases: number; lines: number; bytes: number }>;
  floorMatchesCareGraph?: boolean;
  /** CareGraph's plain answer on PostgreSQL equals its answer on MariaDB (same rows, copied). */
  postgresMatchesMariaDb?: boolean;
  /** Workload 1 at first: 50: the floor's data against CareGraph's. */
  floorPage?: FloorPageCheck;
  /** Cold analytic requests fitting the models (none stored). */
  probe?: ProbeResult;
  /** The same requests from a new process once the models are stored (a restart). */
  probeRestart?: ProbeResult;
  runs: RunRecord[];
  skipped: { what: string; why: string }[];
  fits: FitOutcome[];
  peer?: { postgraphile: string; node: string; copySeconds: number; copied: boolean };
  serverPeakRssMb: Record<string, number>;
  writesUndone?: { purchases: number; feedback: number };
}

export interface StatementSample {
  /** CareGraph's own count (extensions.sql.statements). */
  statements: number | null;
  /** Statements counted on the wire between CareGraph and MariaDB for the same request. */
  wireStatements: number | null;
  dbMs: number | null;
  ms: number;
  bytes: number;
  error?: string;
}

export interface RunRecord {
  /** caregraph | caregraph-sqlite | floor | postgraphile */
  server: string;
  /** plain | customer-page | customer-360 | dashboard | write-mix */
  workload: string;
  result: LoadResult;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  mariadb: string;
  postgres?: string;
}
