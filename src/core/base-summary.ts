/**
 * What a differential analysis keeps of the base tree, and for how long it stays true.
 *
 * `analyzeDiff` needs four things of the base: its findings' fingerprints (to mark head findings introduced), its
 * route views (to label head routes added, changed or removed), the mode of each accepted route (`mtls-downgrade`)
 * and the suppressions that counted there (a head suppression outside them was added by the change). A summary holds
 * just those, so the base's model and simulation are let go before the head is analysed, and a long-lived process
 * (the app's analysis thread) can keep it between checks: a re-check after a push to a pull request analyses the
 * head alone.
 *
 * Reusing a summary at a later clock is exact, not approximate. An analysis depends on the clock only through
 * certificate facts (all made by `factsAt`, whose periods `watchCertificateDates` lists), suppression expiry and the
 * days-left figures of route views. So a summary records the first instant at which any of its certificates changes
 * validity or crosses the expiry warning window, or any of its suppressions expires (`validUntil`); until then its
 * fingerprints, route modes and suppressions are what a fresh analysis would give. Days-left figures are recomputed
 * from the `notAfter` beside them.
 */
import { createHash } from "node:crypto";
import type { CertificatePeriod } from "./certs/certificate.js";
import type { Policy } from "./policy/policy.js";
import type { Route } from "./resolve/routes.js";
import { suppressionKey, type Suppressions } from "./suppressions.js";
import type { Finding, RouteMode, SourceFile } from "./types.js";
import type { RouteView } from "./views.js";

const DAY_MS = 86_400_000;

/**
 * The longest a summary is reused even when no certificate date falls in between: a bound on what an unforeseen
 * clock dependency could cost, short enough that it stays one pull request's burst of pushes.
 */
export const BASE_SUMMARY_MAX_AGE_MS = 60 * 60 * 1000;

export interface BaseSummary {
  findings: Finding[];
  routes: RouteView[];
  /** The mode of each route Emissary accepts in the base, by Mapping id: what `mtls-downgrade` compares with. */
  routeModes: ReadonlyMap<string, RouteMode>;
  /** The base's suppressions that counted when it was analysed, each with the instant it stops counting (null: never). */
  suppressions: readonly { key: string; expiresAt: number | null }[];
  /** The clock the base was analysed at (ms since the epoch). */
  analysedAt: number;
  /** The first instant after `analysedAt` at which a fresh analysis of the base could differ (see above). */
  validUntil: number;
}

/** Where summaries are kept between analyses (the app's analysis thread keeps a few; see base-analysis-cache.ts). */
export interface BaseSummaryStore {
  get(key: string): BaseSummary | undefined;
  set(key: string, summary: BaseSummary): void;
}

export function summarizeBase(
  analysis: { findings: Finding[]; routes: RouteView[]; simulation: { routes: readonly Route[] } },
  suppressions: Suppressions,
  policy: Policy,
  periods: readonly CertificatePeriod[],
  now: Date,
): BaseSummary {
  const routeModes = new Map<string, RouteMode>();
  for (const route of analysis.simulation.routes) if (!route.rejected) routeModes.set(route.mapping.id, route.mode);
  const analysedAt = now.getTime();
  // A suppression expiring is a change too: `suppression-expired` reports it, and what it suppressed counts again.
  let validUntil = firstChange(periods, policy.certificates.expiryWarningDays, analysedAt);
  const counted: { key: string; expiresAt: number | null }[] = [];
  for (const [resource, rules] of suppressions.byResource) {
    for (const [ruleId, entry] of rules) {
      if (entry.expired) continue;
      counted.push({ key: suppressionKey(resource, ruleId), expiresAt: entry.expiresAt ?? null });
      if (entry.expiresAt !== undefined) validUntil = Math.min(validUntil, entry.expiresAt);
    }
  }
  return {
    findings: analysis.findings,
    routes: analysis.routes,
    routeModes,
    suppressions: counted,
    analysedAt,
    validUntil,
  };
}

/**
 * The first instant at or after `from` at which a certificate's verdicts change: it becomes valid, it expires, or
 * its days left reach the expiry warning window (`daysLeft <= warningDays`, counted in whole days from `notAfter`;
 * both neighbouring day boundaries are taken, so an off-by-one in a rule cannot slip past). Capped at the maximum age.
 */
export function firstChange(periods: readonly CertificatePeriod[], warningDays: number, from: number): number {
  let first = from + BASE_SUMMARY_MAX_AGE_MS;
  for (const { notBefore, notAfter } of periods) {
    for (const instant of [
      notBefore,
      notAfter,
      notAfter - warningDays * DAY_MS,
      notAfter - (warningDays + 1) * DAY_MS,
    ]) {
      if (instant >= from && instant < first) first = instant;
    }
  }
  return first;
}

/** Whether a summary made at `analysedAt` is what a fresh analysis at `now` would give (see the module comment). */
export function summaryHolds(summary: BaseSummary, now: Date): boolean {
  const at = now.getTime();
  return at === summary.analysedAt || (at > summary.analysedAt && at < summary.validUntil);
}

/** The keys of the base's suppressions that count at `now`: those not yet past their `until` day. */
export function carriedAt(summary: BaseSummary, now: Date): Set<string> {
  const at = now.getTime();
  return new Set(summary.suppressions.filter((s) => s.expiresAt === null || at < s.expiresAt).map((s) => s.key));
}

/**
 * The base's route views as a fresh analysis at `now` would show them: each `daysLeft` counted again from the
 * `notAfter` beside it (the only field of a view that moves with the clock between certificate events).
 */
export function routeViewsAt(summary: BaseSummary, now: Date): RouteView[] {
  if (now.getTime() === summary.analysedAt) return summary.routes;
  return summary.routes.map((route) => recount(route, now.getTime()) as RouteView);
}

function recount(value: unknown, now: number): unknown {
  if (Array.isArray(value)) return value.map((item) => recount(item, now));
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = recount(item, now);
  if (typeof copy.daysLeft === "number" && typeof copy.notAfter === "string") {
    const notAfter = Date.parse(copy.notAfter);
    if (!Number.isNaN(notAfter)) copy.daysLeft = Math.floor((notAfter - now) / DAY_MS);
  }
  return copy;
}

/**
 * What a base analysis depends on besides the clock: every file as read (path, flags, a hash of the text), the policy
 * applied, the limits, the policy file validated, the base's render, and which documents are read. SHA-256, so two
 * different bases never share a summary.
 */
export function baseSummaryKey(files: readonly SourceFile[], settings: unknown): string {
  const hash = createHash("sha256");
  // Sets and Maps spelt out: JSON.stringify would write each as {} and two policies could share a key.
  const spelt = (_key: string, value: unknown) =>
    value instanceof Set ? { set: [...value] } : value instanceof Map ? { map: [...value] } : value;
  hash.update(JSON.stringify(settings, spelt) ?? "");
  for (const file of files) {
    const { text, ...flags } = file;
    hash.update("\u0000");
    hash.update(JSON.stringify(flags));
    hash.update("\u0000");
    hash.update(createHash("sha256").update(text).digest());
  }
  return hash.digest("base64");
}
