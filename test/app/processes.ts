import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** POSTs a webhook the way GitHub does (signed with the secret); resolves with the status and how long the answer took. */
export async function sendWebhook(
  port: number,
  secret: string,
  event: string,
  delivery: string,
  payload: object,
): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify(payload);
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": delivery,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string> },
): RunningProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill(signal);
      await exited;
    },
  };
}

/** A throwaway redis-server on a free port (Debian's package), or null when the machine has none. */
export async function startRedis(): Promise<{ url: string; stop: () => Promise<void> } | null> {
  const given = process.env.MTLS_GATE_TEST_REDIS_URL;
  if (given) return { url: given, stop: async () => undefined };
  if (spawnSync("redis-server", ["--version"]).status !== 0) return null;
  const port = await freePort();
  const server = startProcess(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { env: { PATH: process.env.PATH ?? "" } },
  );
  await waitFor(() => (server.output().includes("Ready to accept connections") ? true : undefined), 10_000, 50);
  return { url: `redis://127.0.0.1:${port}`, stop: () => server.stop("SIGTERM") };
}

export interface OwnRedis {
  url: string;
  /** Stops the server (SIGTERM; it keeps no data: `--save ""`, no append-only file). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty: a Redis restarted without its data. */
  start(): Promise<void>;
}

/**
 * A redis-server of the test's own (never the shared MTLS_GATE_TEST_REDIS_URL one: the test stops and restarts it), or
 * null when the machine has none.
 */
export async function startOwnRedis(): Promise<OwnRedis | null> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return null;
  const port = await freePort();
  let server: RunningProcess | null = null;
  const start = async () => {
    const started = startProcess(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { env: { PATH: process.env.PATH ?? "" } },
    );
    server = started;
    await waitFor(() => (started.output().includes("Ready to accept connections") ? true : undefined), 10_000, 50);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: async () => {
      await server?.stop("SIGTERM");
      server = null;
    },
  };
}
