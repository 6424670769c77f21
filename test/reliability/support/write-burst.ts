// One "replica" for the pacing test: its own process, its own database pool and GitHub clients,
// making content-creating requests (issue comments) as fast as its clients let it.
//
//   node write-burst.ts   (settings in the BURST environment variable, JSON)

import { createGitHubClients } from '../../../src/github/octokit.ts';
import { createPool } from '../../../src/platform/db/pool.ts';
import { createLogger } from '../../../src/platform/logging/create-logger.ts';

type Settings = {
  appId: number;
  privateKey: string;
  apiUrl: string;
  databaseUrl: string;
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
  issue: number;
  count: number;
  limits: { perMinute: number; burst: number; perHour: number };
};

const settings = JSON.parse(process.env.BURST ?? '{}') as Settings;
const log = createLogger({ level: 'silent', format: 'json' });
const pool = createPool(settings.databaseUrl, log, 20);
const clients = createGitHubClients(
  {
    appId: settings.appId,
    privateKey: settings.privateKey,
    baseUrl: settings.apiUrl,
  },
  log,
  { pool, limits: settings.limits, signal: new AbortController().signal },
);
let failed = 0;
await Promise.all(
  Array.from({ length: settings.count }, async (_, i) => {
    // A client per request, as jobs make them; they share the process's limiters and the bucket.
    const octokit = clients.forRepo(settings.installationId, settings.repoId, 'respond');
    try {
      await octokit.rest.issues.createComment({
        owner: settings.owner,
        repo: settings.repo,
        issue_number: settings.issue,
        body: `burst ${process.pid} #${i}`,
      });
    } catch (error) {
      failed++;
      process.stderr.write(`${(error as Error).message}\n`);
    }
  }),
);
await pool.end();
process.stdout.write(`${JSON.stringify({ failed })}\n`);
