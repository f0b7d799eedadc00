import { absenceQualifier, type Coverage } from "../coverage.js";
import type { ResourceBase } from "../model/resources.js";
import type { ResolvedContext } from "../resolve/contexts.js";
import type { Route } from "../resolve/routes.js";
import type { SecretLookup } from "../resolve/secrets.js";
import type { HandshakeSide, UpstreamTls } from "../resolve/upstream-tls.js";
import type { Simulation } from "../resolve/simulate.js";
import type { Location } from "../types.js";
import { contextField } from "./locations.js";
import { documentLocation } from "../model/resources.js";
import { closest } from "../util/suggest.js";
import type { Report } from "./rule.js";

/** One place a Secret is referenced from: a context field or a Host's tlsSecret. */
export interface SecretReference {
  lookup: SecretLookup;
  field: "secret" | "ca_secret" | "crl_secret" | "tlsSecret";
  /** Who references it, for messages: `TLSContext name` or `Host ns/name`. */
  referrer: string;
  referrerResource: ResourceBase;
  at: Location;
  context?: ResolvedContext;
}

const referencesBySimulation = new WeakMap<Simulation, readonly SecretReference[]>();

/** Every Secret reference of the simulation, computed once per simulation (a dozen rules read them). */
export function secretReferences(simulation: Simulation): readonly SecretReference[] {
  const known = referencesBySimulation.get(simulation);
  if (known) return known;
  const result: SecretReference[] = [];
  for (const context of simulation.contexts.all) {
    if (context.definition.origin === "host") continue;
    const referrer = `TLSContext ${context.registeredName}`;
    const add = (lookup: SecretLookup | undefined, field: SecretReference["field"]) => {
      if (lookup) result.push({ lookup, field, referrer, referrerResource: context.definition.resource, at: contextField(context, field), context });
    };
    add(context.secret, "secret");
    add(context.caSecret, "ca_secret");
    add(context.crlSecret, "crl_secret");
  }
  for (const host of simulation.hosts) {
    if (!host.tlsSecret) continue;
    const resource = host.host;
    result.push({
      lookup: host.tlsSecret,
      field: "tlsSecret",
      referrer: `Host ${resource.namespace}/${resource.name}`,
      referrerResource: resource,
      at: documentLocation(resource, [...resource.specPath, "tlsSecret", "name"]),
    });
  }
  referencesBySimulation.set(simulation, result);
  return result;
}

/** How a Secret-reference rule reports: which references, where, with which message. */
export interface SecretReferenceFindings<M extends string> {
  matches: (reference: SecretReference) => boolean;
  locate: (reference: SecretReference) => Location;
  messageId: (reference: SecretReference) => M;
  /** True when the Secret's type is the problem itself (identity); otherwise it is display. */
  typeIsIdentity?: boolean;
  /**
   * The analysis's coverage, for rules that report a Secret as missing: with files in scope skipped, a missing Secret
   * is a notice said "in the analysed files" (it may be in one of them). Absent: missing Secrets keep their severity.
   */
  coverage?: Coverage | undefined;
}

/**
 * Reports every reference that `matches`, at `locate`'s place, with the data all Secret-reference rules carry: who
 * refers, through which field, to which Secret (identity), and its type. The finding belongs to the Secret when it is
 * in Git.
 */
export function reportSecretReferences<M extends string>(
  simulation: Simulation,
  report: (finding: Report<M>) => void,
  { matches, locate, messageId, typeIsIdentity = false, coverage }: SecretReferenceFindings<M>,
): void {
  const absence = absenceQualifier(coverage);
  for (const reference of secretReferences(simulation)) {
    if (!matches(reference)) continue;
    const { lookup } = reference;
    const type = { type: lookup.secret?.type ?? null };
    // A Secret not found may be in a file that was not analysed: then a notice, said of the analysed files.
    const absent = coverage !== undefined && lookup.status === "missing" ? absence : { display: {} };
    report({
      at: locate(reference),
      resource: lookup.secret ?? reference.referrerResource,
      messageId: messageId(reference),
      ...(absent.severity ? { severity: absent.severity } : {}),
      identity: {
        referrer: reference.referrer,
        field: reference.field,
        secret: `${lookup.namespace}/${lookup.name}`,
        ...(typeIsIdentity ? type : {}),
      },
      display: { ...(typeIsIdentity ? {} : type), ...absent.display },
    });
  }
}

/** closest()'s default: the most edits a "did you mean" may be away from the word. */
/** A route whose simulated handshake fails on one side, with what the handshake rules report about it. */
export interface FailedHandshake {
  route: Route;
  upstream: Extract<UpstreamTls, { state: "known" }>;
  context: ResolvedContext;
  check: HandshakeSide;
  /** The route, its upstream and how the check fails: subjects, files and lines only describe it. */
  identity: { mapping: string; upstream: string; failure: string };
}

/**
 * The routes whose handshake fails on `side` (the server's certificate against the route's CA, or Emissary's client
 * certificate against the upstream's client CA): one walk shared by handshake-server-untrusted and
 * handshake-client-untrusted, which differ only in the field they point at and what they say.
 */
export function failedHandshakes(simulation: Simulation, side: "serverCheck" | "clientCheck"): FailedHandshake[] {
  const failed: FailedHandshake[] = [];
  for (const route of simulation.routes) {
    const upstream = route.upstreamTls;
    const context = route.effectiveContext;
    if (!upstream || upstream.state !== "known" || !context) continue;
    const check = upstream[side];
    if (!check || check.result.ok) continue;
    const mapping = route.mapping;
    failed.push({
      route,
      upstream,
      context,
      check,
      identity: {
        mapping: `${mapping.namespace}/${mapping.name}`,
        upstream: `${route.upstreamHost}:${route.upstreamPort}`,
        failure: check.result.failure ?? "untrusted",
      },
    });
  }
  return failed;
}

export const SUGGESTION_DISTANCE = 3;

/**
 * closest() over many candidates, for a rule that asks for many words: candidates that cannot be within `maxDistance`
 * edits (see mayBeWithin) are skipped before closest() runs its edit distance on them, so the answer is the same at a
 * fraction of the cost (one unknown tls: per Mapping against every context was quadratic in the repository's size).
 */
export function suggester(candidates: Iterable<string>, maxDistance = SUGGESTION_DISTANCE): (word: string) => string | undefined {
  const entries = [...candidates].map((name) => ({ name, counts: characterCounts(name) }));
  const answers = new Map<string, string | undefined>();
  return (word) => {
    if (answers.has(word)) return answers.get(word);
    const counts = characterCounts(word);
    const near = entries.filter((entry) => mayBeWithin(counts, entry.counts, maxDistance)).map((entry) => entry.name);
    const answer = closest(word, near, maxDistance);
    answers.set(word, answer);
    return answer;
  };
}

/** `a`-`z` then `0`-`9`. */
const COUNTED = 36;

/** How often each letter and digit occurs in `word`, lower-cased (other characters are not counted). */
export function characterCounts(word: string): Int32Array {
  const counts = new Int32Array(COUNTED);
  for (const char of word.toLowerCase()) {
    const code = char.charCodeAt(0);
    if (code >= 97 && code <= 122) counts[code - 97] = (counts[code - 97] ?? 0) + 1;
    else if (code >= 48 && code <= 57) counts[code - 48 + 26] = (counts[code - 48 + 26] ?? 0) + 1;
  }
  return counts;
}

/**
 * False when two words are certainly more than `maxDistance` edits apart as closest() measures them: an insertion or
 * deletion changes one character count by one, a substitution changes two counts, a transposition none, so words
 * whose counts differ by more than 2 * maxDistance in total need more edits. Ignoring case and every character but
 * letters and digits (closest() ignores case, `-` and `_`) can only lower the difference, so the bound still holds.
 */
export function mayBeWithin(a: Int32Array, b: Int32Array, maxDistance: number): boolean {
  let difference = 0;
  for (let i = 0; i < COUNTED; i++) difference += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return difference <= 2 * maxDistance;
}
