/** Shared vocabulary of the analysis core. Everything here is plain data: no I/O, no globals. */

export type Severity = "error" | "warning" | "notice";

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, notice: 1 };

/** A file handed to the core: a path relative to the analysed root (forward slashes) and its text. */
export interface SourceFile {
  path: string;
  text: string;
  /** Size in bytes when the caller knows it without holding all the bytes (huge files are not read whole). */
  size?: number;
  /** True when the caller already saw NUL bytes or invalid UTF-8. */
  binary?: boolean;
  /** True when the path is a symbolic link the caller did not follow (text empty): reported as skipped, never read. */
  symlink?: boolean;
}

/** A 1-based source range. Columns are 1-based too; endColumn is exclusive-style "column after the last character". */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Location extends SourceRange {
  file: string;
}

/**
 * Message data: what a finding says, independent of where it is. A rule reports it in two parts: identity (hashed
 * into the fingerprint) and display (shown only); a finding carries both, merged.
 */
export type MessageData = Readonly<Record<string, string | number | boolean | null>>;

export interface Suppression {
  reason: string;
}

/**
 * What an `mtls-gate.io/ignore` annotation naming a finding's rule did to it. `active`: it is suppressed (`suppressed`
 * is set); otherwise it is not: `pending` (added by the change for a blocking finding, not yet accepted), `expired`
 * (past its `until` date), `not-allowed` (the finding enforces a `require.*` policy rule).
 */
export interface SuppressionState {
  status: "active" | "pending" | "expired" | "not-allowed";
  reason: string;
  /** The last day (UTC, `YYYY-MM-DD`) the annotation counts, when it has one. */
  until?: string;
  /** Set only when a base was analysed: true if the base tree does not carry this suppression (same rule, resource). */
  addedInChange?: boolean;
  /** For `not-allowed`: the policy key the finding enforces (`require.mtls`, `require.verifiedUpstream`). */
  requirement?: string;
}

export interface Finding extends Location {
  ruleId: string;
  /** Which of the rule's messages this is (`meta.messages`); part of the fingerprint. */
  messageId: string;
  severity: Severity;
  message: string;
  /** `Kind/namespace/name`, or null for findings about a file rather than a resource. */
  resource: string | null;
  data: MessageData;
  fingerprint: string;
  /** Set only when a base was analysed: true if the base analysis did not have this fingerprint. */
  introduced?: boolean;
  /** Set only when the finding is suppressed and does not block. */
  suppressed?: Suppression;
  /** Set when an ignore annotation names this finding's rule on its resource, whether or not it suppresses it. */
  suppression?: SuppressionState;
  /** Set when rendered environments were analysed: every environment the finding is present in. */
  environments?: string[];
}

/** Where a finding should point: the file and range, and the resource it belongs to. */
export interface Anchor extends Location {
  resource: string | null;
}

export type RouteMode = "mtls" | "tls" | "plaintext";

/** How much protection a route's upstream connection has (mtls > tls > plaintext): a change to a lower one is a downgrade. */
export const ROUTE_STRENGTH: Readonly<Record<RouteMode, number>> = { mtls: 2, tls: 1, plaintext: 0 };

/** Whether `mode` protects the upstream connection less than `than`. */
export function weaker(mode: RouteMode, than: RouteMode): boolean {
  return ROUTE_STRENGTH[mode] < ROUTE_STRENGTH[than];
}
