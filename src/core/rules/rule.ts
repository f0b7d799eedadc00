import type { Model } from "../model/build.js";
import type { ResourceBase } from "../model/resources.js";
import type { Policy } from "../policy/policy.js";
import type { Route } from "../resolve/routes.js";
import type { Simulation } from "../resolve/simulate.js";
import type { SourceDiagnostic } from "../source/load.js";
import type { Location, MessageData, Severity } from "../types.js";

export interface RuleMeta {
  /** Equals the rule's file name and its docs page `docs/rules/<id>.md`. */
  id: string;
  severity: Severity;
  /** One line: what the rule catches. */
  description: string;
}

/** What a rule sees: the model, the simulation, the policy, and (for differential rules) the base's routes. */
export interface RuleContext {
  model: Model;
  simulation: Simulation;
  policy: Policy;
  sourceDiagnostics: readonly SourceDiagnostic[];
  /** Routes of the base revision, when a base is analysed. */
  baseRoutes: readonly Route[] | undefined;
  now: Date;
}

export interface Report {
  at: Location;
  /** The resource the finding belongs to (its annotations can suppress it), or a `Kind/ns/name` id, or null. */
  resource: ResourceBase | string | null;
  data: MessageData;
  /** Overrides the rule's default severity for this finding (the policy's `rules:` still wins). */
  severity?: Severity;
  /** The `require.*` policy key this finding enforces: an ignore annotation never suppresses it. */
  requirement?: "require.mtls" | "require.verifiedUpstream";
}

export interface Rule {
  meta: RuleMeta;
  /** The message for one finding, built from its data only (so wording never changes its identity). */
  message(data: MessageData): string;
  check(context: RuleContext, report: (finding: Report) => void): void;
}

/** Reads a message datum as text ("" when absent), for message templates. */
export function text(data: MessageData, key: string): string {
  const value = data[key];
  return value === null || value === undefined ? "" : String(value);
}

/** Source diagnostics of one rule, re-emitted as its findings. */
export function reportDiagnostics(ruleId: string, context: RuleContext, report: (finding: Report) => void): void {
  for (const diagnostic of context.sourceDiagnostics) {
    if (diagnostic.ruleId === ruleId) report({ at: diagnostic.location, resource: diagnostic.resource, data: diagnostic.data });
  }
}
