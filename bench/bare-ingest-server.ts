// The baseline for the ingest benchmark: a bare node:http endpoint doing the same signature check
// as the App and one INSERT of the delivery, nothing else.
import { createServer } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import pg from 'pg';

const secret = process.env.WEBHOOK_SECRET ?? '';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(`CREATE TABLE IF NOT EXISTS bare_deliveries (
  delivery_id text PRIMARY KEY, event text NOT NULL, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['x-hub-signature-256'] ?? '');
      if (!signature || !(await verify(secret, body, signature))) {
        res.writeHead(401).end();
        return;
      }
      await pool.query(
        'INSERT INTO bare_deliveries (delivery_id, event, payload) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [req.headers['x-github-delivery'], req.headers['x-github-event'], body],
      );
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"outcome":"queued"}');
    } catch {
      res.writeHead(503).end();
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
