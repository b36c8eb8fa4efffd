/** The part of `pg` (no bundled types; @types/pg is not a dependency) that the scratch databases and ormconfig use. */
declare module 'pg' {
  export class Client {
    constructor(config: { connectionString: string });
    connect(): Promise<void>;
    query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
    end(): Promise<void>;
  }
  export const types: { getTypeParser(oid: number, format?: string): (value: string) => unknown };
}
