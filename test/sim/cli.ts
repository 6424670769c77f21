// Starts the simulator as its own process and prints one JSON line with its URLs; scripted through
// the control API under /_sim/. Stops on SIGINT/SIGTERM.
//
//   scripts/node test/sim/cli.ts [--port 4010] [--rate-limit 5000] [--enforce-secondary-limit]
import { parseArgs } from 'node:util';
import { startSimulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'rate-limit': { type: 'string' },
    'enforce-secondary-limit': { type: 'boolean' },
  },
});

const sim = await startSimulator({
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values['rate-limit'] ? { rateLimit: Number(values['rate-limit']) } : {}),
  enforceSecondaryLimit: values['enforce-secondary-limit'] ?? false,
});

process.stdout.write(
  `${JSON.stringify({ url: sim.url, apiUrl: sim.apiUrl, controlUrl: `${sim.url}/_sim`, oidcIssuer: sim.oidcIssuerUrl })}\n`,
);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await sim.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
