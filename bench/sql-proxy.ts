import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of MariaDB that counts the statements a server sends: client packets that
 * start a command (sequence id 0) with COM_QUERY or COM_STMT_EXECUTE. MariaDB's own counters are
 * server-wide, so anything else using the same MariaDB would be counted too; this counts one server's.
 * Used only while sampling single requests, never under load (it adds a hop).
 */
export interface StatementProxy {
  port: number;
  statements(): number;
  close(): Promise<void>;
}

const COM_QUERY = 0x03;
const COM_STMT_EXECUTE = 0x17;

export async function startStatementProxy(targetHost: string, targetPort: number): Promise<StatementProxy> {
  let statements = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    // Walk the client's packet stream: 3-byte little-endian length, 1-byte sequence id, payload.
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let offset = 0;
      while (pending.length - offset >= 4) {
        const length = pending.readUIntLE(offset, 3);
        if (pending.length - offset < 4 + length) break;
        const seq = pending[offset + 3];
        const command = length > 0 ? pending[offset + 4] : -1;
        if (seq === 0 && (command === COM_QUERY || command === COM_STMT_EXECUTE)) statements++;
        offset += 4 + length;
      }
      pending = pending.subarray(offset);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    // Pass a half-close on as such (a pool ending its connections waits for the server's FIN).
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    const gone = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', gone);
    upstream.on('close', gone);
    client.on('error', gone);
    upstream.on('error', gone);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    statements: () => statements,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
