/**
 * The certificates and keys of the Secrets the simulation references, inspected once per analysis: shared by the
 * certificate rules and the route views. Only Secrets in Git (not encrypted) are inspected; every result is public
 * facts (src/core/certs never returns key bytes, PEM or base64).
 */
import {
  inspectCertificateValue,
  inspectPrivateKeyValue,
  type CertificateBundleInspection,
  type CertificateFacts,
  type PrivateKeyInspection,
} from "./certs/index.js";
import { documentLocation, type SecretResource, type SecretValue } from "./model/resources.js";
import type { Model } from "./model/build.js";
import type { ResolvedContext } from "./resolve/contexts.js";
import type { Route } from "./resolve/routes.js";
import { CA_KEYS, CERT_KEYS, KEY_KEYS, type SecretLookup } from "./resolve/secrets.js";
import type { ResolvedHost } from "./resolve/hosts.js";
import type { Simulation } from "./resolve/simulate.js";
import type { Location } from "./types.js";
import { secretReferences, type SecretReference } from "./rules/lookups.js";

/** How a referenced Secret is used: a context's client certificate, a CA bundle, or a Host's server certificate. */
export type SecretUse = "client" | "ca" | "server";

export interface InspectedCertificateValue {
  key: string;
  value: SecretValue;
  at: Location;
  inspection: CertificateBundleInspection;
}

export interface InspectedKeyValue {
  key: string;
  value: SecretValue;
  at: Location;
  inspection: PrivateKeyInspection;
}

export interface InspectedSecret {
  secret: SecretResource;
  /** `namespace/name`. */
  name: string;
  uses: ReadonlySet<SecretUse>;
  references: readonly SecretReference[];
  /** The certificate chain (tls.crt or cert-chain.pem), when used as a client or server certificate. */
  chain?: InspectedCertificateValue;
  /** The private key (tls.key or key.pem), when used as a client or server certificate. */
  privateKey?: InspectedKeyValue;
  /** The CA bundle (tls.crt or root-cert.pem), when used as a ca_secret. */
  ca?: InspectedCertificateValue;
}

export interface SecretInspection {
  secrets: InspectedSecret[];
  byName: ReadonlyMap<string, InspectedSecret>;
}

function origin(value: SecretValue): "data" | "stringData" {
  return value.encoding === "plain" ? "stringData" : "data";
}

function firstValue(secret: SecretResource, keys: readonly string[]): { key: string; value: SecretValue } | undefined {
  for (const key of keys) {
    const value = secret.values.get(key);
    if (value) return { key, value };
  }
  return undefined;
}

function inspectCertificateKey(secret: SecretResource, keys: readonly string[], now: Date): InspectedCertificateValue | undefined {
  const found = firstValue(secret, keys);
  if (!found) return undefined;
  return { ...found, at: documentLocation(secret, found.value.path), inspection: inspectCertificateValue(found.value.raw, origin(found.value), now) };
}

const cache = new WeakMap<Simulation, { now: number; result: SecretInspection }>();

export function secretName(secret: SecretResource): string {
  return `${secret.namespace}/${secret.name}`;
}

/** Every referenced Secret in Git, inspected; memoised per simulation and time. */
export function inspectReferencedSecrets(simulation: Simulation, now: Date): SecretInspection {
  const cached = cache.get(simulation);
  if (cached && cached.now === now.getTime()) return cached.result;
  const groups = new Map<string, { secret: SecretResource; uses: Set<SecretUse>; references: SecretReference[] }>();
  for (const reference of secretReferences(simulation)) {
    const secret = reference.lookup.secret;
    if (!secret || secret.encrypted || reference.field === "crl_secret") continue;
    const name = secretName(secret);
    const group = groups.get(name) ?? { secret, uses: new Set<SecretUse>(), references: [] };
    group.uses.add(reference.field === "secret" ? "client" : reference.field === "ca_secret" ? "ca" : "server");
    group.references.push(reference);
    groups.set(name, group);
  }
  const secrets: InspectedSecret[] = [];
  for (const [name, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { secret, uses } = group;
    const inspected: InspectedSecret = { secret, name, uses, references: group.references };
    if (uses.has("client") || uses.has("server")) {
      const chain = inspectCertificateKey(secret, CERT_KEYS, now);
      if (chain) inspected.chain = chain;
      const key = firstValue(secret, KEY_KEYS);
      if (key) {
        inspected.privateKey = { ...key, at: documentLocation(secret, key.value.path), inspection: inspectPrivateKeyValue(key.value.raw, origin(key.value)) };
      }
    }
    if (uses.has("ca")) {
      const ca = firstValue(secret, CA_KEYS);
      // The same value as the chain (a Secret used both ways) is the same inspection.
      if (ca && inspected.chain && ca.key === inspected.chain.key) inspected.ca = inspected.chain;
      else {
        const inspectedCa = inspectCertificateKey(secret, CA_KEYS, now);
        if (inspectedCa) inspected.ca = inspectedCa;
      }
    }
    secrets.push(inspected);
  }
  const result: SecretInspection = { secrets, byName: new Map(secrets.map((s) => [s.name, s])) };
  cache.set(simulation, { now: now.getTime(), result });
  return result;
}

/** The certificate values of a Secret: its chain and its CA bundle, each once. */
export function certificateValues(secret: InspectedSecret): InspectedCertificateValue[] {
  const values: InspectedCertificateValue[] = [];
  if (secret.chain) values.push(secret.chain);
  if (secret.ca && secret.ca !== secret.chain) values.push(secret.ca);
  return values;
}

/** The leaf of a chain: its first certificate (what Envoy presents first), when it loaded. */
export function leafOf(value: InspectedCertificateValue | undefined): CertificateFacts | undefined {
  const first = value?.inspection.certificates[0];
  return first && first.index === 0 ? first : undefined;
}

/** Contexts used for origination: every route's effective context and every context a Mapping's tls: names. */
export function originationContexts(routes: readonly Route[]): ResolvedContext[] {
  const result = new Set<ResolvedContext>();
  for (const route of routes) {
    if (route.rejected) continue;
    if (route.effectiveContext) result.add(route.effectiveContext);
    if (route.requestedContext) result.add(route.requestedContext);
  }
  return [...result];
}

/** The Secrets (`namespace/name`) presented as client certificates by origination contexts, with the contexts' names. */
export function originationClientSecrets(routes: readonly Route[]): Map<string, { lookup: SecretLookup; contexts: string[]; first: ResolvedContext }> {
  const result = new Map<string, { lookup: SecretLookup; contexts: string[]; first: ResolvedContext }>();
  for (const context of originationContexts(routes)) {
    const lookup = context.secret;
    if (!lookup) continue;
    const name = `${lookup.namespace}/${lookup.name}`;
    const entry = result.get(name) ?? { lookup, contexts: [], first: context };
    if (!entry.contexts.includes(context.registeredName)) entry.contexts.push(context.registeredName);
    entry.contexts.sort();
    result.set(name, entry);
  }
  return result;
}

/** Every certificate in every Secret of the repository (not only referenced ones), for issuer searches. */
export function repositoryCertificates(model: Model, now: Date): CertificateFacts[] {
  const result: CertificateFacts[] = [];
  for (const secret of model.secrets.values()) {
    if (secret.encrypted) continue;
    const seen = new Set<string>();
    for (const key of ["tls.crt", "ca.crt", "cert-chain.pem", "root-cert.pem"]) {
      const value = secret.values.get(key);
      if (!value) continue;
      for (const cert of inspectCertificateValue(value.raw, origin(value), now).certificates) {
        if (seen.has(cert.fingerprintSha256)) continue;
        seen.add(cert.fingerprintSha256);
        result.push(cert);
      }
    }
  }
  return result;
}

/** A date as YYYY-MM-DD (UTC). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Every loaded certificate of every inspected value (chains and CA bundles), each value once. */
export function* eachCertificate(
  inspection: SecretInspection,
): Generator<{ secret: InspectedSecret; value: InspectedCertificateValue; cert: CertificateFacts }> {
  for (const secret of inspection.secrets) {
    for (const value of certificateValues(secret)) {
      for (const cert of value.inspection.certificates) yield { secret, value, cert };
    }
  }
}

/** Identity data naming one certificate of a Secret value: the Secret, its key, the position and subject. */
export function certificateData(secret: InspectedSecret, value: InspectedCertificateValue, cert: CertificateFacts) {
  return { secret: secret.name, key: value.key, certIndex: cert.index, subject: cert.subject };
}

/** "tls.crt" or "tls.crt (certificate 2, CN=...)", for messages. */
export function certificateLabel(key: string, certIndex: unknown, subject: unknown): string {
  const position = typeof certIndex === "number" && certIndex > 0 ? `certificate ${certIndex}, ` : "";
  return `${key} (${position}${String(subject ?? "")})`;
}

/** Host hostnames a certificate can be checked against: not `*` alone, not empty. */
export function checkableHostname(hostname: string | undefined): hostname is string {
  return hostname !== undefined && hostname !== "" && hostname !== "*";
}

/** A Host with a concrete hostname, the Secret in Git that terminates it, and that Secret's loaded leaf. */
export interface HostLeaf {
  host: ResolvedHost["host"];
  hostname: string;
  secret: InspectedSecret;
  chain: InspectedCertificateValue;
  leaf: CertificateFacts;
}

/** Every Host whose terminating certificate can be judged against its hostname. */
export function hostLeaves(simulation: Simulation, inspection: SecretInspection): HostLeaf[] {
  const result: HostLeaf[] = [];
  for (const resolved of simulation.hosts) {
    const lookup = resolved.tlsSecret;
    const hostname = resolved.host.hostname;
    if (!lookup?.secret || !checkableHostname(hostname)) continue;
    const secret = inspection.byName.get(`${lookup.secret.namespace}/${lookup.secret.name}`);
    const chain = secret?.chain;
    const leaf = leafOf(chain);
    if (secret && chain && leaf) result.push({ host: resolved.host, hostname, secret, chain, leaf });
  }
  return result;
}
