// `node src/boot/healthcheck.ts`: exits 0 when this container's App answers /readyz with 200 —
// the Dockerfile's HEALTHCHECK (the image has no curl). Reads PORT like the App; a second
// argument names another path (e.g. /healthz).
const port = Number(process.env.PORT || 3000);
const path = process.argv[2] ?? '/readyz';
try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4_000) });
  if (response.status !== 200) process.stderr.write(`${path}: ${response.status} ${await response.text()}\n`);
  process.exitCode = response.status === 200 ? 0 : 1;
} catch (error) {
  process.stderr.write(`${path}: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
