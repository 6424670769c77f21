// Ports for servers a test must name before they listen (the App's PUBLIC_URL, a child process's
// PORT) or start again on the same port (a restarted Postgres).
//
// "Listen on port 0, note the port, close, start the server on it later" races: between the close
// and the server's listen, any process on the machine asking for port 0 (a simulator, a model
// server, the other suite of `npm run test:stress`) can be handed that port. So these ports come
// from below the kernel's ephemeral range (ip_local_port_range), which the kernel never hands
// out by itself, and each process first claims a block of them by listening on the block's first
// port for as long as it lives: two test processes never hand out the same port.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

const BLOCK = 64;
const LOWEST = 10_000;
const HOST = '127.0.0.1';

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const value = Number(low);
    if (Number.isInteger(value) && value > LOWEST + BLOCK) return value;
  } catch {}
  return 32_768; // Linux's default; macOS and Windows start theirs higher.
}

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: HOST, exclusive: true }, () => resolve(server));
  });
}

async function isFree(port: number): Promise<boolean> {
  const server = await listen(port);
  if (!server) return false;
  await new Promise((resolve) => server.close(resolve));
  return true;
}

type Block = { sentinel: Server; next: number; end: number };
let block: Block | undefined;

async function claimBlock(): Promise<Block> {
  const blocks = Math.floor((ephemeralLow() - LOWEST) / BLOCK);
  const first = Math.floor(Math.random() * blocks);
  for (let i = 0; i < blocks; i++) {
    const start = LOWEST + ((first + i) % blocks) * BLOCK;
    const sentinel = await listen(start);
    if (!sentinel) continue; // another test process holds this block
    sentinel.unref();
    return { sentinel, next: start + 1, end: start + BLOCK };
  }
  throw new Error(`no free block of ${BLOCK} ports between ${LOWEST} and ${ephemeralLow()}`);
}

/** A port on 127.0.0.1 that no other process is handed until this one exits. */
export async function reservedPort(): Promise<number> {
  for (;;) {
    block ??= await claimBlock();
    while (block.next < block.end) {
      const port = block.next++;
      // Skip a port some other program (not a test) listens on.
      if (await isFree(port)) return port;
    }
    block = undefined;
  }
}
