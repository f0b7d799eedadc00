/**
 * Findings whose logic lives outside a rule: problems met while reading files (source), building the model, reading
 * the policy and the suppressions, running the rules, and contexts Emissary refuses. Each kind of diagnostic reaches
 * its rule through this one table, which names the rule, the message it reports with, and which of its data are
 * display (shown, never part of the finding's identity). A kind or rule id written wrong does not compile.
 */
import type { ContextErrorCode } from "./resolve/contexts.js";
import type { RuleId } from "./rules/index.js";

interface DiagnosticRoute {
  rule: RuleId;
  messageId: string;
  /** Data keys that describe the finding without identifying it. */
  display?: readonly string[];
}

export const DIAGNOSTICS = {
  // source/load.ts: files and documents that are not read.
  "file-too-large": { rule: "file-too-large", messageId: "file-bytes", display: ["bytes", "limit"] },
  "too-many-documents": { rule: "file-too-large", messageId: "documents", display: ["documents", "limit"] },
  "too-deep": { rule: "file-too-large", messageId: "depth", display: ["depth", "limit"] },
  "too-many-nodes": { rule: "file-too-large", messageId: "nodes", display: ["nodes", "limit"] },
  "too-many-aliases": { rule: "file-too-large", messageId: "aliases", display: ["aliases", "limit"] },
  "too-many-merged-nodes": { rule: "file-too-large", messageId: "merges", display: ["limit"] },
  // source/select.ts: the per-commit limits, applied before parsing.
  "too-many-files": { rule: "file-too-large", messageId: "files", display: ["files", "limit"] },
  "too-many-bytes": { rule: "file-too-large", messageId: "manifest-bytes", display: ["manifestBytes", "limit"] },
  // A file the app's reader did not reach: the commit's tarball was over its download limit.
  "tarball-too-large": { rule: "file-too-large", messageId: "tarball-bytes", display: ["limit"] },
  "helm-template": { rule: "file-skipped", messageId: "helm-template" },
  "encrypted-file": { rule: "file-skipped", messageId: "encrypted", display: ["format"] },
  "binary-file": { rule: "file-skipped", messageId: "binary" },
  "yaml-syntax": { rule: "yaml-syntax", messageId: "invalid-yaml" },
  // model/build.ts: documents Emissary or kubectl do not take.
  "annotation-yaml-syntax": { rule: "yaml-syntax", messageId: "invalid-annotation-yaml" },
  "legacy-api-version": { rule: "not-kubernetes-object", messageId: "legacy-api-version" },
  "unsupported-api-version": { rule: "unsupported-api-version", messageId: "dropped-version" },
  // policy/load.ts
  "policy-invalid": { rule: "policy-invalid", messageId: "invalid", display: ["suggestion"] },
  // findings.ts: mtls-gate.io/ignore annotations.
  "suppression-without-reason": { rule: "invalid-suppression", messageId: "no-reason" },
  "suppression-unknown-rule": { rule: "invalid-suppression", messageId: "unknown-rule", display: ["suggestion"] },
  "suppression-invalid-until": { rule: "invalid-suppression", messageId: "invalid-until" },
  // suppressions.ts: what became of a suppression once the findings are known (the rule and resource it names identify it).
  "suppression-pending": { rule: "suppression-pending", messageId: "pending", display: ["severity", "permission"] },
  "suppression-expired": { rule: "suppression-expired", messageId: "expired" },
  "suppression-not-allowed": { rule: "suppression-not-allowed", messageId: "not-allowed", display: ["requirement"] },
  "suppression-added": { rule: "suppression-added", messageId: "added", display: ["severity"] },
  // analyze.ts: a rule that threw.
  "rule-failed": { rule: "internal-error", messageId: "failed" },
  // resolve/contexts.ts: context errors, by their code (reported with the Mappings that lose the context as display).
  "cert-and-secret": { rule: "tls-context-cert-and-secret", messageId: "cert-and-secret" },
  "incomplete-cert-files": { rule: "tls-context-incomplete-cert-files", messageId: "incomplete-cert-files" },
  "no-certificate": { rule: "tls-context-no-certificate", messageId: "no-certificate" },
  "ca-without-certificate": { rule: "tls-context-ca-without-certificate", messageId: "ca-without-certificate" },
} as const satisfies Readonly<Record<string, DiagnosticRoute>>;

export type DiagnosticKind = keyof typeof DIAGNOSTICS;

/** Context errors with a rule of their own (a context's Secret lookups are reported by the Secret reference rules). */
export type ContextDiagnosticKind = Extract<DiagnosticKind, ContextErrorCode>;

/** What a SourceDiagnostic can be. */
export type SourceDiagnosticKind = Exclude<DiagnosticKind, ContextDiagnosticKind>;

/** The message ids the table routes to rule `R`: the rule must declare each of them. */
export type DiagnosticMessageId<R extends string> = {
  [K in DiagnosticKind]: (typeof DIAGNOSTICS)[K]["rule"] extends R ? (typeof DIAGNOSTICS)[K]["messageId"] : never;
}[DiagnosticKind];
