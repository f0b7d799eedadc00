import type { ResolvedHost } from "./resolve/hosts.js";
import type { Route } from "./resolve/routes.js";
import type { RouteMode } from "./types.js";
import { specFieldLocation, resourceLocation, type MappingResource } from "./model/resources.js";
import type { Inferred, Installation } from "./model/installation.js";
import { inspectCertificateValue } from "./certs/index.js";
import { CERT_KEYS } from "./resolve/secrets.js";
import type { HandshakeSide, LeafSummary, SecretFile, UpstreamTls } from "./resolve/upstream-tls.js";

/** A Secret key the handshake reads, and where it is written. */
export interface SecretFileView {
  /** `namespace/name` of the Secret. */
  secret: string;
  key: string;
  file: string;
  line: number;
  /** `ConfigMap` for a CA bundle read from a ConfigMap (then `secret` names the ConfigMap); absent for Secrets. */
  kind?: "ConfigMap";
  /**
   * Set when cert-manager writes the Secret from a Certificate in Git (file and line are the Certificate's secretName):
   * its issuer, the CA Secret that signs it, the names and usages the certificate will carry.
   */
  issued?: {
    certificate: string;
    issuer: string;
    caSecret: string;
    caFile: string;
    caLine: number;
    ca: LeafView | null;
    names: string[];
    usages: string[];
  };
}

/** Public facts of a leaf certificate in the handshake. */
export interface LeafView {
  subject: string;
  issuer: string;
  sans: string[];
  notAfter: string;
  daysLeft: number;
}

/** One direction of the handshake: `skipped` when it cannot be simulated (why says so). */
export interface HandshakeCheckView {
  outcome: "ok" | "fails" | "skipped";
  why: string | null;
  /** The certificate presented and the bundle that verifies it. */
  presented: SecretFileView | null;
  trustedBy: SecretFileView | null;
  leaf: LeafView | null;
  /** Subjects from the leaf to the trust anchor, as far as the path was built. */
  path: string[];
  /** Each verification step and its outcome. */
  steps: { ok: boolean; text: string }[];
}

/** The upstream's TLS side of a route (the JSON contract's `routes[].upstreamTls`): `unknown` says why. */
export type UpstreamTlsView =
  | { state: "unknown"; why: string }
  | {
      state: "known";
      /** `namespace/name` of the Service and `Kind/namespace/name` of the workload serving it. */
      service: string;
      workload: string;
      serverCertificate: SecretFileView;
      server: LeafView | null;
      clientCa: SecretFileView | null;
      /** Envoy verifying the upstream's certificate with the route's CA. */
      serverCheck: HandshakeCheckView;
      /** The upstream verifying Emissary's client certificate with its client CA. */
      clientCheck: HandshakeCheckView;
      /** The name a client checking names would verify (sni, else the upstream host); Emissary checks none. */
      name: string;
      nameCovered: boolean;
    };

/** Public facts of the client certificate a route presents (the leaf of its Secret's tls.crt). */
export interface ClientCertificateView {
  subject: string;
  /** DNS names, then IP addresses. */
  sans: string[];
  issuer: string;
  keyType: string;
  keyBits: number | null;
  signatureAlgorithm: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Whole days from the analysis time to notAfter; negative once expired. */
  daysLeft: number;
}

/** The shape routes take in every output (the JSON contract's `routes[]`). */
export interface RouteView {
  /** `namespace/name` of the Mapping. */
  mapping: string;
  kind: "Mapping" | "TCPMapping";
  file: string;
  line: number;
  prefix: string | null;
  host: string | null;
  service: string | null;
  upstream: { scheme: "http" | "https"; host: string; port: number };
  originatesTls: boolean;
  mode: RouteMode;
  /** The context the cluster uses; null for none, `"(null context)"` for Emissary's null context. */
  tlsContext: string | null;
  /** `namespace/name` of the client certificate's Secret. */
  secret: string | null;
  caSecret: string | null;
  upstreamVerified: boolean;
  sni: string | null;
  minTlsVersion: string | null;
  maxTlsVersion: string | null;
  /** The tls: written on the Mapping, when the cluster does not honour it. */
  requestedTlsContext: string | null;
  /** Why Emissary rejects the Mapping (then the route does not exist). */
  rejected: string | null;
  /** The Mapping whose settings this route's shared cluster took. */
  sharedClusterWith: string | null;
  /** For mtls routes whose client Secret is in Git and parses: its leaf certificate; null otherwise. */
  clientCertificate: ClientCertificateView | null;
  /** For routes that originate TLS: the upstream's side of the handshake, simulated; null for other routes. */
  upstreamTls?: UpstreamTlsView | null;
  /** With a base: whether the route is new or changed. */
  change?: "added" | "changed" | "unchanged" | "removed";
  baseMode?: RouteMode | null;
  /** Set when environments were analysed separately: the environment whose simulation this route is of. */
  environment?: string;
}

export interface HostView {
  host: string;
  file: string;
  line: number;
  hostname: string | null;
  state: ResolvedHost["state"];
  active: boolean;
  tlsSecret: string | null;
  tlsContext: string | null;
  /** Set when environments were analysed separately: the environment this Host is in. */
  environment?: string;
}

/** A setting of the installation and where it came from (the JSON contract's `installation`). */
export interface InferredView<T> {
  value: T;
  /** `policy`: the policy sets it; `repository`: inferred from `file`:`line`; `default`: Emissary's default. */
  source: "policy" | "repository" | "default";
  file: string | null;
  line: number | null;
  /** What was read there. */
  from: string | null;
}

export interface InstallationView {
  namespace: InferredView<string>;
  ambassadorId: InferredView<string>;
  integrations: { istio: InferredView<boolean>; consul: InferredView<boolean> };
}

/** A Mapping that answers with a redirect: no upstream connection, so no route (the JSON contract's `redirects[]`). */
export interface RedirectView {
  mapping: string;
  file: string;
  line: number;
  prefix: string | null;
  host: string | null;
  /** The host it redirects to (its `service`). */
  redirectTo: string | null;
}

function inferredView<T>(inferred: Inferred<T>): InferredView<T> {
  return {
    value: inferred.value,
    source: inferred.source,
    file: inferred.location?.file ?? null,
    line: inferred.location?.line ?? null,
    from: inferred.from ?? null,
  };
}

export function installationView(installation: Installation): InstallationView {
  return {
    namespace: inferredView(installation.namespace),
    ambassadorId: inferredView(installation.ambassadorId),
    integrations: { istio: inferredView(installation.istio), consul: inferredView(installation.consul) },
  };
}

export function redirectViews(redirects: readonly MappingResource[]): RedirectView[] {
  return redirects
    .map((mapping) => ({
      mapping: `${mapping.namespace}/${mapping.name}`,
      file: mapping.file,
      line: specFieldLocation(mapping, ["host_redirect"]).line,
      prefix: mapping.prefix ?? null,
      host: mapping.hostname ?? mapping.host ?? null,
      redirectTo: mapping.service ?? null,
    }))
    .sort((a, b) => (a.mapping < b.mapping ? -1 : a.mapping > b.mapping ? 1 : 0));
}

export const NULL_CONTEXT = "(null context)";

function clientCertificateOf(route: Route, now: Date): ClientCertificateView | null {
  const secret = route.mode === "mtls" ? route.effectiveContext?.secret?.secret : undefined;
  if (!secret || secret.encrypted) return null;
  const value = CERT_KEYS.map((key) => secret.values.get(key)).find((v) => v !== undefined);
  if (!value) return null;
  const leaf = inspectCertificateValue(value.raw, value.encoding === "plain" ? "stringData" : "data", now).certificates[0];
  if (!leaf || leaf.index !== 0) return null;
  return {
    subject: leaf.subject,
    sans: [...leaf.sanDnsNames, ...leaf.sanIpAddresses],
    issuer: leaf.issuer,
    keyType: leaf.publicKey.type,
    keyBits: leaf.publicKey.bits,
    signatureAlgorithm: leaf.signatureAlgorithm.name,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    daysLeft: leaf.daysLeft,
  };
}

export function routeViews(routes: readonly Route[], now: Date): RouteView[] {
  return routes
    .map((route): RouteView => {
      const mapping = route.mapping;
      const context = route.effectiveContext;
      const definition = context?.definition;
      const secret = context?.secret;
      const caSecret = context?.caSecret;
      const honoured = !route.lostToSharedCluster && (route.contextOutcome === "used" || route.contextOutcome === "none");
      return {
        mapping: `${mapping.namespace}/${mapping.name}`,
        kind: mapping.kind,
        file: mapping.file,
        line: specFieldLocation(mapping, ["service"]).line,
        prefix: mapping.prefix ?? null,
        host: mapping.hostname ?? mapping.host ?? null,
        service: mapping.service ?? null,
        upstream: { scheme: route.upstreamScheme, host: route.upstreamHost, port: route.upstreamPort },
        originatesTls: route.originatesTls,
        mode: route.mode,
        tlsContext: context ? context.registeredName : route.usesNullContext ? NULL_CONTEXT : null,
        secret: secret ? `${secret.namespace}/${secret.name}` : definition?.certChainFile ? `file:${definition.certChainFile}` : null,
        caSecret: caSecret
          ? `${caSecret.namespace}/${caSecret.name}`
          : definition?.cacertChainFile
            ? `file:${definition.cacertChainFile}`
            : // Istio's root-cert.pem in the client Secret is the CA (see isVerifying in resolve/routes.ts).
              route.upstreamVerified && secret
              ? `${secret.namespace}/${secret.name}`
              : null,
        upstreamVerified: route.upstreamVerified,
        sni: definition?.sni ?? null,
        minTlsVersion: definition?.minTlsVersion ?? null,
        maxTlsVersion: definition?.maxTlsVersion ?? null,
        requestedTlsContext: honoured ? null : mapping.tls === undefined ? null : String(mapping.tls),
        rejected: route.rejected ?? null,
        sharedClusterWith: route.clusterLeader ? `${route.clusterLeader.namespace}/${route.clusterLeader.name}` : null,
        clientCertificate: clientCertificateOf(route, now),
        upstreamTls: route.upstreamTls ? upstreamTlsView(route.upstreamTls) : null,
      };
    })
    .sort((a, b) => (a.mapping < b.mapping ? -1 : a.mapping > b.mapping ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

function secretFileView(file: SecretFile): SecretFileView {
  const view: SecretFileView = { secret: `${file.secret.namespace}/${file.secret.name}`, key: file.key, file: file.at.file, line: file.at.line };
  if (file.secret.kind === "ConfigMap") view.kind = "ConfigMap";
  const issued = file.issued;
  if (issued) {
    const ca = issued.caCerts[0]?.facts;
    view.issued = {
      certificate: `${issued.certificate.namespace}/${issued.certificate.name}`,
      issuer: issued.issuerName,
      caSecret: `${issued.caSecret.namespace}/${issued.caSecret.name}`,
      caFile: issued.caAt.file,
      caLine: issued.caAt.line,
      ca: ca ? leafView({ subject: ca.subject, issuer: ca.issuer, sans: [...ca.sanDnsNames, ...ca.sanIpAddresses], notAfter: ca.notAfter, daysLeft: ca.daysLeft }) : null,
      names: [...issued.names],
      usages: [...issued.usages],
    };
  }
  return view;
}

function leafView(leaf: LeafSummary | null): LeafView | null {
  return leaf && { subject: leaf.subject, issuer: leaf.issuer, sans: leaf.sans, notAfter: leaf.notAfter.toISOString(), daysLeft: leaf.daysLeft };
}

function checkView(side: HandshakeSide | null, skipped: string | null): HandshakeCheckView {
  if (!side) return { outcome: "skipped", why: skipped, presented: null, trustedBy: null, leaf: null, path: [], steps: [] };
  const result = side.result;
  return {
    outcome: result.ok ? "ok" : "fails",
    why: result.why ?? null,
    presented: secretFileView(side.presented),
    trustedBy: secretFileView(side.trustedBy),
    leaf: leafView(side.leaf),
    path: result.path,
    steps: result.steps.map((step) => ({ ...step })),
  };
}

export function upstreamTlsView(upstream: UpstreamTls): UpstreamTlsView {
  if (upstream.state === "unknown") return { state: "unknown", why: upstream.why };
  return {
    state: "known",
    service: `${upstream.service.namespace}/${upstream.service.name}`,
    workload: upstream.workload.id,
    serverCertificate: secretFileView(upstream.server),
    server: leafView(upstream.serverLeaf),
    clientCa: upstream.clientCa ? secretFileView(upstream.clientCa) : null,
    serverCheck: checkView(upstream.serverCheck, upstream.serverSkipped),
    clientCheck: checkView(upstream.clientCheck, upstream.clientSkipped),
    name: upstream.name,
    nameCovered: upstream.nameCovered,
  };
}

/**
 * The upstream side's locations moved by `move` (a rendered environment's output back to its sources, as the route's
 * own location is): every Secret file, the Certificate standing for one cert-manager writes, and its issuer's CA.
 */
export function remapUpstreamTls(view: UpstreamTlsView, move: (file: string, line: number) => { file: string; line: number }): UpstreamTlsView {
  if (view.state === "unknown") return view;
  const file = (f: SecretFileView): SecretFileView => {
    const moved: SecretFileView = { ...f, ...move(f.file, f.line) };
    if (f.issued) {
      const ca = move(f.issued.caFile, f.issued.caLine);
      moved.issued = { ...f.issued, caFile: ca.file, caLine: ca.line };
    }
    return moved;
  };
  const check = (c: HandshakeCheckView): HandshakeCheckView => ({
    ...c,
    presented: c.presented && file(c.presented),
    trustedBy: c.trustedBy && file(c.trustedBy),
  });
  return {
    ...view,
    serverCertificate: file(view.serverCertificate),
    clientCa: view.clientCa && file(view.clientCa),
    serverCheck: check(view.serverCheck),
    clientCheck: check(view.clientCheck),
  };
}

/** The handshake in one word for tables: `ok`, `fails` (with why) or `unknown` (with why); null for routes without TLS. */
export function handshakeSummary(view: RouteView): { status: "ok" | "fails" | "unknown"; why: string | null } | null {
  const upstream = view.upstreamTls;
  if (!upstream) return null;
  if (upstream.state === "unknown") return { status: "unknown", why: upstream.why };
  const failed = [upstream.serverCheck, upstream.clientCheck].find((check) => check.outcome === "fails");
  if (failed) return { status: "fails", why: `${failed === upstream.serverCheck ? "server" : "client"} certificate: ${failed.why ?? "does not verify"}` };
  if (upstream.serverCheck.outcome === "skipped" && upstream.clientCheck.outcome === "skipped") return { status: "unknown", why: upstream.serverCheck.why };
  return { status: "ok", why: null };
}

export function hostViews(hosts: readonly ResolvedHost[]): HostView[] {
  return hosts.map((resolved) => {
    const host = resolved.host;
    const secret = resolved.tlsSecret;
    return {
      host: `${host.namespace}/${host.name}`,
      file: host.file,
      line: resourceLocation(host).line,
      hostname: host.hostname ?? null,
      state: resolved.state,
      active: resolved.active,
      tlsSecret: secret ? `${secret.namespace}/${secret.name}` : null,
      tlsContext: resolved.context?.registeredName ?? null,
    };
  });
}
