/**
 * What the scans of default branches remember: each repository's last result (so a scan whose commit and policy are
 * unchanged reuses it), and which repository was scanned in which schedule period (so each is scanned once per period
 * however many replicas tick). In this process without Redis; in Redis, shared by replicas, with it.
 */
import { Redis } from "ioredis";
import type { InventoryCertificate } from "../../core/certificate-inventory.js";
import type { WatchSchedule } from "../../core/policy/policy.js";
import type { DashboardFinding, DashboardRoute } from "../../report/dashboard.js";

/** What a scan found on the default branch: enough to refresh metrics and the dashboard without analysing again. */
export interface ScanSummary {
  certificates: InventoryCertificate[];
  blocking: DashboardFinding[];
  routes: DashboardRoute[];
  /** Whether the default branch holds manifests in scope at all. */
  hasManifests: boolean;
}

export interface ScanRecord {
  sha: string;
  branch: string;
  htmlUrl: string;
  /** A digest of the trusted configuration as read: another policy is another result. */
  policyKey: string;
  schedule: WatchSchedule;
  warningDays: number;
  dashboardEnabled: boolean;
  summary: ScanSummary;
  /** The dashboard issue as the app last left it (`number` null: the app made none, as nothing needed attention). */
  dashboard: { number: number | null; state: "open" | "closed"; bodyDigest: string } | null;
  /** ISO 8601. */
  scannedAt: string;
}

export interface ScanState {
  get(repository: string): Promise<ScanRecord | null>;
  set(repository: string, record: ScanRecord): Promise<void>;
  /** True for exactly one caller per repository and period (`ttlMs`: how long the claim is remembered). */
  claim(repository: string, period: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryScanState implements ScanState {
  readonly #records = new Map<string, ScanRecord>();
  readonly #claims = new Map<string, number>();

  async get(repository: string): Promise<ScanRecord | null> {
    return structuredClone(this.#records.get(repository.toLowerCase()) ?? null);
  }

  async set(repository: string, record: ScanRecord): Promise<void> {
    this.#records.set(repository.toLowerCase(), structuredClone(record));
  }

  async claim(repository: string, period: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    for (const [key, expires] of this.#claims) if (expires <= now) this.#claims.delete(key);
    const key = `${repository.toLowerCase()}\u0000${period}`;
    if (this.#claims.has(key)) return false;
    this.#claims.set(key, now + ttlMs);
    return true;
  }

  async close(): Promise<void> {}
}

/** Records live a while past the longest schedule, so a repository that leaves the installation is forgotten. */
const RECORD_TTL_SECONDS = 30 * 86_400;

export class RedisScanState implements ScanState {
  readonly #redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(100 * times, 2000) });
    // ioredis prints unheard errors; the scans that fail because of them log their own.
    this.#redis.on("error", () => undefined);
  }

  async get(repository: string): Promise<ScanRecord | null> {
    const raw = await this.#redis.get(this.#key("scan", repository));
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as ScanRecord;
    } catch {
      return null;
    }
  }

  async set(repository: string, record: ScanRecord): Promise<void> {
    await this.#redis.set(this.#key("scan", repository), JSON.stringify(record), "EX", RECORD_TTL_SECONDS);
  }

  async claim(repository: string, period: string, ttlMs: number): Promise<boolean> {
    // SET NX: of every replica that asks, one gets "OK".
    const answer = await this.#redis.set(this.#key("claim", `${repository}\u0000${period}`), "1", "PX", ttlMs, "NX");
    return answer === "OK";
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #key(kind: string, name: string): string {
    return `${this.prefix}:watch:${kind}:${name.toLowerCase()}`;
  }
}
