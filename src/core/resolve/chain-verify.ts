/**
 * Certificate path verification as a TLS peer does it (OpenSSL's and BoringSSL's default flags): build a path from the
 * leaf to a self-signed certificate of the trusted bundle, then check each link. Signatures and issuer matching are
 * node:crypto's (`X509Certificate.checkIssued`, `verify`); dates and extensions are the certificate facts' own parser.
 */
import { X509Certificate } from "node:crypto";
import { decodeSecretValue, inspectCertificateValue, type CertificateFacts } from "../certs/index.js";
import type { SecretValue } from "../model/resources.js";

/** What the peer checks the leaf for: Envoy verifies the upstream as an SSL client (`serverAuth`), the upstream Envoy's client certificate (`clientAuth`). */
export type Purpose = "serverAuth" | "clientAuth";

export interface LoadedCert {
  x509: X509Certificate;
  facts: CertificateFacts;
}

export type VerifyFailure =
  | "no-certificate"
  | "untrusted"
  | "expired"
  | "not-yet-valid"
  | "not-a-ca"
  | "path-length"
  | "wrong-purpose"
  | "leaf-key-usage";

export interface VerifyStep {
  ok: boolean;
  /** One line a person reads: what was checked and what was found (subjects and dates only, never key material). */
  text: string;
}

export interface VerifyResult {
  ok: boolean;
  failure?: VerifyFailure;
  /** Why it fails, in one clause, for messages. */
  why?: string;
  /** Subjects from the leaf to the trust anchor, as far as the path was built. */
  path: string[];
  steps: VerifyStep[];
}

/** A bound on certificates read from one value: bundles of real deployments hold a handful. */
const MAX_CERTS = 32;
const MAX_DEPTH = 10;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of a Secret value that both parsers load, in bundle order. Never throws. */
export function loadCertificates(value: SecretValue, now: Date): LoadedCert[] {
  const origin = value.encoding === "plain" ? "stringData" : "data";
  const facts = inspectCertificateValue(value.raw, origin, now).certificates;
  if (facts.length === 0) return [];
  // The same decoding and size cap as the certificate facts: a value over the cap was not inspected, so it loads nothing.
  const decoded = decodeSecretValue(value.raw, origin);
  if (!decoded.ok) return [];
  const text = decoded.bytes.toString("latin1");
  const blocks = text.match(PEM_BLOCK) ?? [];
  const result: LoadedCert[] = [];
  blocks.slice(0, MAX_CERTS).forEach((block, index) => {
    const fact = facts.find((f) => f.index === index);
    if (!fact) return;
    try {
      result.push({ x509: new X509Certificate(block), facts: fact });
    } catch {
      // A block node:crypto cannot load is left out, as a TLS library would fail to load it.
    }
  });
  return result;
}

function days(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function same(a: LoadedCert, b: LoadedCert): boolean {
  return a.facts.fingerprintSha256 === b.facts.fingerprintSha256;
}

function issues(parent: LoadedCert, child: LoadedCert): boolean {
  try {
    return child.x509.checkIssued(parent.x509) && child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

/** A CA as OpenSSL's check_ca accepts it: cA in basicConstraints (or a version 1 self-signed root), keyCertSign if keyUsage is present. */
function caProblem(cert: LoadedCert): string | undefined {
  const facts = cert.facts;
  const isCa = facts.basicConstraints.present ? facts.basicConstraints.cA : facts.version === 1 && facts.selfSigned;
  if (!isCa) return "has no basicConstraints cA";
  if (facts.keyUsage !== null && !facts.keyUsage.includes("keyCertSign")) return "has keyUsage without keyCertSign";
  return undefined;
}

/** The keyUsage bits a TLS leaf needs, one of them (OpenSSL's ku_reject for sslserver and sslclient). */
const LEAF_KEY_USAGE: Readonly<Record<Purpose, readonly string[]>> = {
  serverAuth: ["digitalSignature", "keyEncipherment", "keyAgreement"],
  clientAuth: ["digitalSignature", "keyAgreement"],
};

/**
 * A leaf that does not exist yet: what cert-manager will issue from a Certificate whose CA is in Git. Its extensions come
 * from the Certificate's spec (usages), so the purpose checks run on them; its signature and dates cannot be checked.
 */
export interface PlannedLeaf {
  /** How outputs name it (the Certificate and the names it asks for). */
  subject: string;
  keyUsage: readonly string[] | null;
  extKeyUsage: readonly string[] | null;
}

/**
 * Verifies `presented` (leaf first, then what the peer sends with it) to a self-signed certificate of `trusted`, with
 * `extra` as further untrusted intermediates (the other bundle's). Trusted issuers are preferred (OpenSSL's trusted-first).
 * With `planned`, `presented` starts at the CA that will issue that leaf: the path is built from the CA, which is checked
 * as an issuer, and the purpose checks run on the planned leaf's extensions.
 */
export function verifyChain(
  presented: readonly LoadedCert[],
  trusted: readonly LoadedCert[],
  extra: readonly LoadedCert[],
  purpose: Purpose,
  now: Date,
  planned?: PlannedLeaf,
): VerifyResult {
  const steps: VerifyStep[] = [];
  const leaf = presented[0];
  if (planned && leaf)
    steps.push({ ok: true, text: `${planned.subject} will be issued by ${leaf.facts.subject} (cert-manager)` });
  if (!leaf)
    return {
      ok: false,
      failure: "no-certificate",
      why: "no certificate could be read",
      path: [],
      steps: [{ ok: false, text: "no certificate could be read" }],
    };
  const untrusted = [...presented.slice(1), ...extra];
  const path: LoadedCert[] = [leaf];
  const fail = (failure: VerifyFailure, why: string): VerifyResult => {
    steps.push({ ok: false, text: why });
    return { ok: false, failure, why, path: subjects(), steps };
  };
  const subjects = () => [...(planned ? [planned.subject] : []), ...path.map((c) => c.facts.subject)];

  // 1. Build the path: each certificate's issuer, trusted ones first, until a self-signed trusted certificate.
  let current = leaf;
  let anchored = false;
  while (path.length <= MAX_DEPTH) {
    const isTrusted = trusted.some((t) => same(t, current));
    if (current.facts.selfSigned) {
      if (isTrusted) {
        anchored = true;
        break;
      }
      return fail("untrusted", `${current.facts.subject} is self-signed and not in the CA bundle`);
    }
    const issuer =
      trusted.find((c) => !same(c, current) && issues(c, current)) ??
      untrusted.find((c) => !same(c, current) && issues(c, current));
    if (!issuer)
      return fail(
        "untrusted",
        `no certificate in the CA bundle${untrusted.length > 0 ? " or the chain" : ""} issued ${current.facts.subject} (issuer ${current.facts.issuer})`,
      );
    const from = trusted.some((t) => same(t, issuer)) ? "the CA bundle" : "the chain";
    steps.push({ ok: true, text: `${current.facts.subject} is signed by ${issuer.facts.subject} (from ${from})` });
    if (path.some((c) => same(c, issuer))) return fail("untrusted", `the path loops at ${issuer.facts.subject}`);
    path.push(issuer);
    current = issuer;
  }
  if (!anchored) return fail("untrusted", `the path is longer than ${MAX_DEPTH} certificates`);
  steps.push({ ok: true, text: `${current.facts.subject} is a root in the CA bundle` });

  // 2. Each issuer must be a CA, within its path length, and allow the purpose.
  // A planned leaf's issuer is the first certificate of the path: it is checked as a CA too.
  for (let i = planned ? 0 : 1; i < path.length; i++) {
    const ca = path[i] as LoadedCert;
    const problem = caProblem(ca);
    if (problem) return fail("not-a-ca", `${ca.facts.subject} issues certificates but ${problem}`);
    const below = planned ? i : i - 1;
    if (ca.facts.basicConstraints.pathLength !== null && below > ca.facts.basicConstraints.pathLength) {
      return fail(
        "path-length",
        `${ca.facts.subject} allows ${ca.facts.basicConstraints.pathLength} CA(s) below it, the path has ${below}`,
      );
    }
    // OpenSSL checks the purpose of every issuer, the trusted root included, when it carries extendedKeyUsage.
    const eku = ca.facts.extKeyUsage;
    if (eku !== null && !eku.includes(purpose)) {
      return fail("wrong-purpose", `the CA ${ca.facts.subject} is restricted to ${eku.join(", ") || "(no usage)"}, not ${purpose}`);
    }
  }
  steps.push({ ok: true, text: "every issuer is a CA (basicConstraints, keyUsage keyCertSign)" });

  // 3. The leaf is for this purpose.
  const leafSubject = planned ? planned.subject : leaf.facts.subject;
  const eku = planned ? planned.extKeyUsage : leaf.facts.extKeyUsage;
  if (eku !== null && !eku.includes(purpose))
    return fail("wrong-purpose", `${leafSubject} has extendedKeyUsage ${eku.join(", ") || "(empty)"}, without ${purpose}`);
  const keyUsage = planned ? planned.keyUsage : leaf.facts.keyUsage;
  if (keyUsage !== null && !LEAF_KEY_USAGE[purpose].some((bit) => keyUsage.includes(bit))) {
    return fail("leaf-key-usage", `${leafSubject} has keyUsage ${keyUsage.join(", ")}, which allows no TLS handshake`);
  }
  steps.push({
    ok: true,
    text: `${leafSubject} allows ${purpose}${eku === null ? " (no extendedKeyUsage)" : ""}`,
  });

  // 4. Every certificate of the path is valid now.
  for (const cert of path) {
    if (now < cert.facts.notBefore)
      return fail("not-yet-valid", `${cert.facts.subject} is not valid before ${days(cert.facts.notBefore)}`);
    if (now > cert.facts.notAfter)
      return fail("expired", `${cert.facts.subject} expired on ${days(cert.facts.notAfter)}`);
  }
  steps.push({
    ok: true,
    text: `every certificate${planned ? " above the planned leaf" : ""} is valid on ${days(now)}`,
  });
  return { ok: true, path: subjects(), steps };
}
