import type { Coverage } from "../coverage.js";
import type { RenderDiagnostic, RenderRuleId } from "../render/rendered.js";
import { DIAGNOSTICS, type DiagnosticMessageId } from "../diagnostics.js";
import type { Model } from "../model/build.js";
import type { ResourceBase } from "../model/resources.js";
import type { Policy } from "../policy/policy.js";
import type { Simulation } from "../resolve/simulate.js";
import type { SourceDiagnostic } from "../source/load.js";
import type { Location, MessageData, RouteMode, Severity } from "../types.js";
import type { RuleId } from "./index.js";

/** One message of a rule: its prose, built from the finding's data (identity and display merged) only. */
export type MessageTemplate = (data: MessageData) => string;

export interface RuleMeta<Id extends string = string, M extends string = string> {
  /** Equals the rule's file name and its docs page `docs/rules/<id>.md`. */
  id: Id;
  severity: Severity;
  /** One line: what the rule catches. */
  description: string;
  /** Every message the rule can say, by message id. A report names one; the id is part of the finding's identity. */
  messages: Readonly<Record<M, MessageTemplate>>;
}

/** What a rule sees: the model, the simulation, the policy, and (for differential rules) the base's route modes. */
export interface RuleContext {
  model: Model;
  simulation: Simulation;
  policy: Policy;
  sourceDiagnostics: readonly SourceDiagnostic[];
  /** The mode of each route Emissary accepts in the base revision, by Mapping id, when a base is analysed. */
  baseRouteModes: ReadonlyMap<string, RouteMode> | undefined;
  now: Date;
  /**
   * What the analysis read (absent in contexts built by hand). Rules that conclude a resource is absent read it: when
   * files in scope were skipped, the resource may be in one of them (`absenceUncertain`).
   */
  coverage?: Coverage;
  /** Renders that were refused, failed or could not run (src/render), for the render-* rules. */
  renderDiagnostics?: readonly RenderDiagnostic[];
}

export interface Report<M extends string = string> {
  at: Location;
  /** The resource the finding belongs to (its annotations can suppress it), or a `Kind/ns/name` id, or null. */
  resource: ResourceBase | string | null;
  /** Which of the rule's `meta.messages` says it. */
  messageId: M;
  /**
   * What the finding is about: the names it concerns (the resource's own, the name it refers to) and the problem.
   * Hashed into the fingerprint, with the rule id, the resource and the message id.
   */
  identity: MessageData;
  /**
   * What describes it and may change while the problem stays the same: consequences, counts, day numbers, lists of
   * affected Mappings, suggestions. Shown in the message, never hashed. Its keys must not repeat identity's.
   */
  display?: MessageData;
  /** Overrides the rule's default severity for this finding (the policy's `rules:` still wins). */
  severity?: Severity;
  /** The `require.*` policy key this finding enforces: an ignore annotation never suppresses it. */
  requirement?: "require.mtls" | "require.verifiedUpstream";
}

export interface Rule<Id extends string = string, M extends string = string> {
  meta: RuleMeta<Id, M>;
  check(context: RuleContext, report: (finding: Report<M>) => void): void;
}

/**
 * Declares a rule: its id and message ids are inferred from `meta`, so a report naming a message the rule does not
 * declare does not compile.
 */
export function defineRule<const Id extends string, const M extends string>(rule: Rule<Id, M>): Rule<Id, M> {
  return rule;
}

/** Reads a message datum as text ("" when absent), for message templates. */
export function text(data: MessageData, key: string): string {
  const value = data[key];
  return value === null || value === undefined ? "" : String(value);
}

/**
 * Diagnostics made outside the rules (source, model, policy, suppressions) for `ruleId`, re-emitted as its findings:
 * the message id and which data are display come from the one table, DIAGNOSTICS. A diagnostic without a resource is
 * about its file, so the file is part of its identity.
 */
export function reportDiagnostics<R extends RuleId>(
  ruleId: R,
  context: RuleContext,
  report: (finding: Report<DiagnosticMessageId<R>>) => void,
): void {
  for (const diagnostic of context.sourceDiagnostics) {
    const route = DIAGNOSTICS[diagnostic.kind];
    if (route.rule !== ruleId) continue;
    const shown: readonly string[] = "display" in route ? route.display : [];
    const identity: Record<string, MessageData[string]> = {};
    const display: Record<string, MessageData[string]> = {};
    for (const [key, value] of Object.entries(diagnostic.data)) {
      if (shown.includes(key)) display[key] = value;
      else identity[key] = value;
    }
    if (diagnostic.resource === null) identity.file = diagnostic.location.file;
    report({ at: diagnostic.location, resource: diagnostic.resource, messageId: route.messageId as DiagnosticMessageId<R>, identity, display });
  }
}

/** The render problems (src/render) for `ruleId`, as its findings: a render is about its kustomization or chart, not a resource. */
export function reportRenderDiagnostics<M extends string>(ruleId: RenderRuleId, context: RuleContext, report: (finding: Report<M>) => void): void {
  for (const diagnostic of context.renderDiagnostics ?? []) {
    if (diagnostic.rule !== ruleId) continue;
    report({ at: diagnostic.location, resource: null, messageId: diagnostic.messageId as M, identity: { ...diagnostic.identity, file: diagnostic.location.file }, display: diagnostic.display });
  }
}
