// A redis-server of one's own, for the BullMQ tests and benchmark: on 127.0.0.1, on a port the
// OS gave as free, with no persistence, in a temporary folder; stopped and started again on
// the same port. Every wait is for an event (a line of its log, its exit), bounded by `limitMs`
// only to turn a hang into a failure.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** Whether redis-server is here (Debian: apt-get install redis-server). */
export const hasRedis = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;

/** `promise`, or a rejection naming `what` after `limitMs`. */
export function bounded(promise, what, limitMs) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${limitMs / 1000} s`)), limitMs);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** A port that was free when asked: the OS picks it for a listener on port 0, which then closes. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class RedisServer {
  #process = null;

  constructor(port, dir, limitMs) {
    this.port = port;
    this.dir = dir;
    this.limitMs = limitMs;
  }

  /** A server started on a free port. */
  static async start(limitMs = 60_000) {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'focal-loss-redis-')), limitMs);
    await server.start();
    return server;
  }

  /** Starts the server (again) on its port, resolving once it accepts connections. */
  async start() {
    const child = spawn(REDIS_SERVER, [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir,
    ], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.#process = child;
    let log = '';
    await bounded(new Promise((resolve, reject) => {
      const onData = (bytes) => {
        log += bytes.toString();
        if (!/Ready to accept connections/.test(log)) return;
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve();
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${log}`)));
    }), 'redis-server start', this.limitMs);
  }

  /** Stops the server; its data goes with it (no persistence). */
  async stop() {
    const child = this.#process;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await bounded(exited, 'redis-server exit', this.limitMs);
    this.#process = null;
  }

  async close() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
