/**
 * Prometheus metrics (`GET /metrics`, prom-client): what the latest scan of each default branch found (certificate
 * expiry, routes by mode, blocking findings), and the app's own health (checks by conclusion, check duration, queue
 * depth, GitHub's rate limit). One registry per app instance, so tests and several apps in one process never share
 * counters. Values per repository are set from the scans' results when scraped, so a repository that loses a
 * certificate loses its series too.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { InventoryCertificate } from "../core/certificate-inventory.js";
import type { RouteMode } from "../core/types.js";

export const METRICS_PATH = "/metrics";

/** What a scan of a repository's default branch contributes to the metrics. */
export interface RepositoryMetrics {
  /** `owner/name`. */
  repository: string;
  certificates: readonly Pick<InventoryCertificate, "namespace" | "secret" | "subject" | "notAfter">[];
  routesByMode: Readonly<Record<RouteMode, number>>;
  blockingFindings: number;
}

interface HookedClient {
  hook?: {
    after?: (name: "request", hook: (response: { headers?: Record<string, unknown> }) => void) => void;
    error?: (name: "request", hook: (error: unknown) => unknown) => void;
  };
}

const MODES: readonly RouteMode[] = ["mtls", "tls", "plaintext"];

export class AppMetrics {
  readonly registry = new Registry();
  readonly #repositories = new Map<string, RepositoryMetrics>();
  readonly #observed = new WeakSet<object>();
  readonly #checks: Counter<"conclusion">;
  readonly #duration: Histogram;
  readonly #rateLimitSeen = new Map<string, number>();

  constructor(queueDepth: () => Promise<number | null>) {
    const registers = [this.registry];
    const repositories = () => [...this.#repositories.values()];
    new Gauge({
      name: "mtls_gate_certificate_expiration_timestamp_seconds",
      help: "When a certificate in Git that a route or Host uses expires (Unix seconds), from the latest scan of the default branch",
      labelNames: ["repository", "namespace", "secret", "subject"],
      registers,
      collect() {
        this.reset();
        const earliest = new Map<string, { labels: Record<string, string>; seconds: number }>();
        for (const repo of repositories())
          for (const cert of repo.certificates) {
            const labels = {
              repository: repo.repository,
              namespace: cert.namespace,
              // The Secret's name: its namespace has its own label, as in cert-manager's metric.
              secret: cert.secret.slice(cert.secret.indexOf("/") + 1),
              subject: cert.subject,
            };
            const seconds = Date.parse(cert.notAfter) / 1000;
            // One bundle can hold the same subject twice: the series says when the first of them expires.
            const key = JSON.stringify(labels);
            const current = earliest.get(key);
            if (current === undefined || seconds < current.seconds) earliest.set(key, { labels, seconds });
          }
        for (const { labels, seconds } of earliest.values()) this.set(labels, seconds);
      },
    });
    new Gauge({
      name: "mtls_gate_routes",
      help: "Routes on the default branch by mode (mtls, tls, plaintext), from the latest scan",
      labelNames: ["repository", "mode"],
      registers,
      collect() {
        this.reset();
        for (const repo of repositories())
          for (const mode of MODES) this.set({ repository: repo.repository, mode }, repo.routesByMode[mode]);
      },
    });
    new Gauge({
      name: "mtls_gate_blocking_findings",
      help: "Findings that would fail a check, on the default branch, from the latest scan",
      labelNames: ["repository"],
      registers,
      collect() {
        this.reset();
        for (const repo of repositories()) this.set({ repository: repo.repository }, repo.blockingFindings);
      },
    });
    this.#checks = new Counter({
      name: "mtls_gate_checks_total",
      help: "Check runs completed by this process, by conclusion",
      labelNames: ["conclusion"],
      registers,
    });
    this.#duration = new Histogram({
      name: "mtls_gate_check_duration_seconds",
      help: "How long a check took in this process, from taking the job to publishing its run",
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    new Gauge({
      name: "mtls_gate_queue_depth",
      help: "Check jobs waiting or running (with Redis: in the whole deployment's queue)",
      registers,
      async collect() {
        const depth = await queueDepth().catch(() => null);
        if (depth !== null) this.set(depth);
      },
    });
    const seen = () => this.#rateLimitSeen;
    new Gauge({
      name: "mtls_gate_github_rate_limit_remaining",
      help: "Requests GitHub's rate limit had left at its latest answer to this process, by rate-limit resource",
      labelNames: ["resource"],
      registers,
      collect() {
        for (const [resource, remaining] of seen()) this.set({ resource }, remaining);
      },
    });
  }

  /** The latest scan of a repository's default branch replaces what the previous one said. */
  recordScan(metrics: RepositoryMetrics): void {
    this.#repositories.set(metrics.repository, metrics);
  }

  recordCheck(conclusion: string, seconds: number): void {
    this.#checks.inc({ conclusion });
    this.#duration.observe(seconds);
  }

  /** Reads the rate limit GitHub reports on every answer (errors included) of this client, once per client. */
  observeClient<T extends object>(octokit: T): T {
    const client = octokit as HookedClient;
    if (this.#observed.has(octokit) || typeof client.hook?.after !== "function") return octokit;
    this.#observed.add(octokit);
    client.hook.after("request", (response) => this.#noteHeaders(response.headers));
    client.hook.error?.("request", (error) => {
      this.#noteHeaders((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
      throw error;
    });
    return octokit;
  }

  #noteHeaders(headers: Record<string, unknown> | undefined): void {
    const remaining = Number(headers?.["x-ratelimit-remaining"]);
    if (headers?.["x-ratelimit-remaining"] === undefined || !Number.isFinite(remaining)) return;
    const resource = typeof headers["x-ratelimit-resource"] === "string" ? headers["x-ratelimit-resource"] : "core";
    this.#rateLimitSeen.set(resource, remaining);
  }
}

/**
 * `GET /metrics` in Prometheus' text format. With a token (`MTLS_GATE_METRICS_TOKEN`) a request needs
 * `Authorization: Bearer <token>`, compared in constant time; otherwise 401. A Probot server handler: true when it
 * answered.
 */
export function metricsHandler(metrics: AppMetrics, token: string | null) {
  const expected = token ? digest(token) : null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== METRICS_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    if (expected && !authorised(req.headers.authorization, expected)) {
      res.writeHead(401, { "www-authenticate": 'Bearer realm="mtls-gate metrics"', "cache-control": "no-store" }).end();
      return true;
    }
    const body = await metrics.registry.metrics();
    res
      .writeHead(200, {
        "content-type": metrics.registry.contentType,
        "content-length": String(Buffer.byteLength(body)),
        "cache-control": "no-store",
      })
      .end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

/** Digests of equal length whatever was sent, so the comparison takes the same time for every wrong token. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function authorised(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return timingSafeEqual(digest(match?.[1] ?? ""), expected) && match !== null;
}
