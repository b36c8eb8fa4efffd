import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { QueryRunner } from 'typeorm';

/**
 * The MySQL/MariaDB bulk path of the seed: each table is one `LOAD DATA LOCAL INFILE` statement fed from
 * memory while the rows are generated (no files, no SQL text to parse per value), all tables at once on their
 * own connections; and on an empty database the secondary indexes whose order has nothing to do with the
 * load order are dropped before and built after, by a sort, instead of being updated row by row.
 */

/** What mysql2's callback connection (behind a TypeORM MySQL query runner) offers that the load uses. */
interface RawConnection {
  query(
    options: { sql: string; infileStreamFactory: (path: string) => Readable },
    callback: (err: Error | null, result?: { affectedRows?: number; warningStatus?: number }) => void,
  ): unknown;
  stream: Socket;
}

/** The server accepts LOAD DATA LOCAL (MariaDB's default; MySQL 8 ships with it off). */
export async function localInfileEnabled(qr: QueryRunner): Promise<boolean> {
  const rows = (await qr.query('SELECT @@local_infile AS on_')) as { on_: number | string }[];
  return Number(rows[0]?.on_) === 1;
}

const SPECIAL = /[\\\t\n]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };

/**
 * A value as one field of LOAD DATA's default text format (FIELDS TERMINATED BY '\t' ESCAPED BY '\\', LINES
 * TERMINATED BY '\n'): \N for NULL, backslash escapes, dates as the UTC wall clock that mysql2 writes for the
 * DataSource (timezone 'Z'), booleans as 1/0.
 */
export function tsvField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return SPECIAL.test(v) ? v.replace(/[\\\t\n]/g, (c) => ESCAPES[c]) : v;
  if (v instanceof Date) return tsvDate(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return tsvField(String(v));
}

const DAY = 86_400_000;
const dayText = new Map<number, string>();
const secondText: string[] = [];
const two = (n: number) => (n < 10 ? `0${n}` : String(n));
let lastDate: Date | null = null;
let lastText = '';

/**
 * 'YYYY-MM-DD HH:MM:SS[.mmm]' in UTC. Ten million rows carry dates: the day and the time of day are each
 * written once and reused (toISOString per value was a third of the generator's time), and a row repeating a
 * Date (created_at = updated_at) reuses the last text.
 */
function tsvDate(d: Date): string {
  if (d === lastDate) return lastText;
  const ms = d.getTime();
  const day = Math.floor(ms / DAY);
  const rest = ms - day * DAY;
  let date = dayText.get(day);
  if (date === undefined) {
    date = new Date(day * DAY).toISOString().slice(0, 10);
    dayText.set(day, date);
  }
  const second = Math.floor(rest / 1000);
  let time = secondText[second];
  if (time === undefined) time = secondText[second] = ` ${two(Math.floor(second / 3600))}:${two(Math.floor(second / 60) % 60)}:${two(second % 60)}`;
  const millis = rest % 1000;
  lastDate = d;
  lastText = millis ? `${date}${time}.${String(millis).padStart(3, '0')}` : date + time;
  return lastText;
}

/** One row as a line of LOAD DATA text. */
export function tsvLine(values: readonly unknown[]): string {
  let line = tsvField(values[0]);
  for (let i = 1; i < values.length; i++) line += `\t${tsvField(values[i])}`;
  return `${line}\n`;
}

/** Largest chunk of data handed to mysql2 at once. */
const CHUNK = 1 << 20;

/** Bytes a table's stream may hold unsent before the generator waits for the server to catch up. */
const BUFFERED_LIMIT = 8 << 20;

/** One table's LOAD DATA LOCAL INFILE statement, running on its own connection while rows are written to it. */
export class TableLoad {
  private readonly source = new Readable({ read: () => undefined });
  private failure: Error | null = null;
  private settled = false;
  /** Rows the server stored, once the statement ends. */
  readonly done: Promise<number>;

  private constructor(private readonly qr: QueryRunner, private readonly conn: RawConnection, readonly table: string, columns: readonly string[]) {
    const sql = `LOAD DATA LOCAL INFILE 'caregraph-seed-${table}' INTO TABLE ${table} CHARACTER SET utf8mb4 ` +
      `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns.join(', ')})`;
    this.done = new Promise<{ affectedRows?: number; warningStatus?: number }>((resolve, reject) => {
      conn.query({ sql, infileStreamFactory: () => this.source }, (err, result) => (err ? reject(err) : resolve(result ?? {})));
    }).then(
      async (result) => {
        this.settled = true;
        if (result.warningStatus) {
          // Non-strict sql_mode turns a bad value into a warning and a changed row: the seed must be exact.
          const warnings = (await qr.query('SHOW WARNINGS LIMIT 3')) as { Message: string }[];
          throw new Error(`loading ${table}: ${result.warningStatus} warnings, e.g. ${warnings.map((w) => w.Message).join('; ')}`);
        }
        return Number(result.affectedRows ?? 0);
      },
      (err: Error) => {
        this.settled = true;
        this.failure = err;
        throw err;
      },
    );
    // Whoever awaits `done` sees the error; until then it must not count as unhandled.
    this.done.catch(() => undefined);
  }

  /** Starts the statement on the query runner's connection (its session settings apply). */
  static async start(qr: QueryRunner, table: string, columns: readonly string[]): Promise<TableLoad> {
    const conn = (await qr.connect()) as RawConnection;
    return new TableLoad(qr, conn, table, columns);
  }

  /** Queues rows (whole lines of tsvLine text) for the server. */
  write(text: string): void {
    if (this.failure) throw this.failure;
    const bytes = Buffer.from(text, 'utf8');
    // mysql2 sends each chunk as one packet: keep them well under max_allowed_packet (16 MB by default).
    for (let at = 0; at < bytes.length; at += CHUNK) this.source.push(bytes.subarray(at, at + CHUNK));
  }

  /**
   * Waits while more than BUFFERED_LIMIT bytes wait to be sent: mysql2 hands every chunk to the socket at once,
   * so without this the whole company would pile up in memory when the server is slower than the generator.
   */
  async drained(): Promise<void> {
    while (!this.settled && this.source.readableLength + this.conn.stream.writableLength > BUFFERED_LIMIT) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (this.failure) throw this.failure;
  }

  /** Ends the data; resolves with the rows stored. */
  end(): Promise<number> {
    this.source.push(null);
    return this.done;
  }

  /** Ends the data after a failure elsewhere, so that the statement finishes and the connection is usable again. */
  async abort(): Promise<void> {
    if (!this.settled) this.source.push(null);
    await this.done.catch(() => undefined);
  }
}

/** A secondary index taken off a table for the load, as SHOW CREATE TABLE writes it. */
export interface DroppedIndexes {
  table: string;
  /** e.g. "UNIQUE KEY `uq_customers_email` (`email`)" */
  definitions: string[];
}

/**
 * Drops the B-tree secondary indexes of empty tables and returns their definitions for `addIndexes`: loaded into
 * an empty table with unique_checks and foreign_key_checks off, InnoDB writes the clustered index alone by a
 * sort at the end of the statement (MariaDB's bulk insert), and building the others afterwards by ALTER TABLE
 * is far cheaper than keeping them up to date row by row, or than the bulk insert's own sort of them
 * (3M purchase lines: 8 s against 20 s). Indexes a foreign key needs go too where the server allows it with
 * foreign_key_checks off (MariaDB does); where it refuses, they stay. Primary keys, FULLTEXT and SPATIAL stay.
 */
export async function dropSecondaryIndexes(qr: QueryRunner, tables: readonly string[]): Promise<DroppedIndexes[]> {
  const dropped: DroppedIndexes[] = [];
  for (const table of tables) {
    const [{ 'Create Table': ddl }] = (await qr.query(`SHOW CREATE TABLE ${table}`)) as { 'Create Table': string }[];
    const lines = ddl.split('\n').map((l) => l.trim().replace(/,$/, ''));
    const foreignKeyColumns = new Set(lines.flatMap((l) => /FOREIGN KEY \(`([^`]+)`/.exec(l)?.[1] ?? []));
    const indexes = lines.flatMap((definition) => {
      const m = /^(?:UNIQUE )?KEY `([^`]+)` \(`([^`]+)`/.exec(definition);
      return m ? [{ name: m[1], firstColumn: m[2], definition }] : [];
    });
    const drop = async (list: typeof indexes) => {
      if (!list.length) return;
      await qr.query(`ALTER TABLE ${table} ${list.map((i) => `DROP INDEX \`${i.name}\``).join(', ')}`);
      dropped.push({ table, definitions: list.map((i) => i.definition) });
    };
    try {
      await drop(indexes);
    } catch (e) {
      // ER_DROP_INDEX_FK (1553): "needed in a foreign key constraint".
      if ((e as { errno?: number }).errno !== 1553 && !/1553|needed in a foreign key/.test(String(e))) throw e;
      await drop(indexes.filter((i) => !foreignKeyColumns.has(i.firstColumn)));
    }
  }
  return dropped;
}

/** Builds the dropped indexes again, one ALTER TABLE per table (one scan, one sort per index). */
export async function addIndexes(qr: QueryRunner, dropped: DroppedIndexes): Promise<void> {
  await qr.query(`ALTER TABLE ${dropped.table} ${dropped.definitions.map((d) => `ADD ${d}`).join(', ')}`);
}
