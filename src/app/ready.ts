import type { IncomingMessage, ServerResponse } from "node:http";
import type { Gate } from "./gate.js";

export const READY_PATH = "/ready";

/**
 * `GET /ready`, the readiness probe (`/ping` stays the liveness probe): 200 when Redis (if configured) answers and this
 * process's workers (if it has any) can take jobs, 503 otherwise, with a small JSON body saying which, e.g.
 * `{"status":"unavailable","redis":"down","workers":"up","analysis":{"threads":2,"busy":1,"waiting":0}}` (`analysis`:
 * this process's analysis thread pool). A Probot server handler: true when it answered.
 */
export function readyHandler(gate: Gate) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== READY_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    const state = await gate.readiness().catch(() => ({ ready: false, redis: "down", workers: "down" }) as const);
    const body = JSON.stringify({
      status: state.ready ? "ready" : "unavailable",
      redis: state.redis,
      workers: state.workers,
      analysis: analysisThreads(gate),
    });
    res
      .writeHead(state.ready ? 200 : 503, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        "cache-control": "no-store",
      })
      .end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

/** The analysis pool's threads, how many are analysing, and how many analyses wait for one. */
function analysisThreads(gate: Gate): { threads: number; busy: number; waiting: number } {
  const { threads, busy, waiting } = gate.analysisPool.state();
  return { threads, busy, waiting };
}
