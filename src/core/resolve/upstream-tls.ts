/**
 * The upstream's side of a route's TLS handshake (issue 20): the Service the Mapping dials, the workloads it selects, the
 * Secrets they mount as their server key pair and client CA; then both directions verified as Envoy and the upstream
 * would. Emissary gives Envoy only `trusted_ca` (and `crl`) in the upstream validation context, without
 * subject-alternative-name matching (envoy/v3/v3tls.py), so the server side is chain and purpose only: names are
 * reported as an identity check that does not happen, never as a failure.
 */
import type { Model } from "../model/build.js";
import {
  documentLocation,
  resourceId,
  secretKey,
  type CarrierResource,
  type ContainerInfo,
  type MountedConfigMap,
  type MountedSecret,
  type SecretResource,
  type SecretValue,
  type WorkloadResource,
} from "../model/resources.js";
import type { Location } from "../types.js";
import { loadCertificates, verifyChain, type LoadedCert, type VerifyResult } from "./chain-verify.js";
import { issuedCovers, issuedSecret, type IssuedSecret } from "./issued-secrets.js";
import { resolverKind, type Route } from "./routes.js";
import type { SecretLookup } from "./secrets.js";

/** A Secret by name: one in Git, or one cert-manager writes. */
export interface SecretRef {
  id: string;
  namespace: string;
  name: string;
  /** Set for a CA bundle in a ConfigMap, which messages must not call a Secret. */
  kind?: string;
}

/** One key of one Secret, where it is written (a Certificate's `secretName` for a Secret cert-manager writes). */
export interface SecretFile {
  secret: SecretRef;
  key: string;
  at: Location;
  /** The value in Git; absent when cert-manager writes the Secret, and then `issued` says what it will hold. */
  value?: SecretValue;
  issued?: IssuedSecret;
}

/** Facts about a leaf certificate that outputs show (public only). */
export interface LeafSummary {
  subject: string;
  issuer: string;
  sans: string[];
  notAfter: Date;
  daysLeft: number;
}

export interface HandshakeSide {
  /** The certificate presented (server: the upstream's, client: Emissary's). */
  presented: SecretFile;
  leaf: LeafSummary | null;
  /** The CA bundle that verifies it (client side: the upstream's client CA). */
  trustedBy: SecretFile;
  result: VerifyResult;
  /** The certificates read from each (for rules that compare dates). */
  presentedCerts: readonly LoadedCert[];
  trustedCerts: readonly LoadedCert[];
}

export type UpstreamTls =
  | { state: "unknown"; why: string }
  | {
      state: "known";
      service: CarrierResource;
      workload: WorkloadResource;
      /** The upstream's server certificate. */
      server: SecretFile;
      serverLeaf: LeafSummary | null;
      /** The CA the upstream trusts for client certificates, when it names one. */
      clientCa: SecretFile | null;
      /** Server certificate -> the route's CA; null with why when Envoy checks no chain (no CA) or the CA is not in Git. */
      serverCheck: HandshakeSide | null;
      serverSkipped: string | null;
      /** Emissary's client certificate -> the upstream's client CA; null with why when not simulated. */
      clientCheck: HandshakeSide | null;
      clientSkipped: string | null;
      /** The name a careful client would check (the context's sni, else the upstream host), and whether the server certificate covers it. */
      name: string;
      nameCovered: boolean;
      /** The certificates of both Secrets, for the rules that compare them (rotation skew). */
      serverCerts: readonly LoadedCert[];
    };

const CERT_KEYS = ["tls.crt", "cert.pem", "cert-chain.pem"];
const KEY_KEYS = ["tls.key", "key.pem"];
const CA_KEYS = ["ca.crt", "root-cert.pem", "ca.pem"];
/** Container arguments and environment variables that name the server certificate or the client CA file. */
const CERT_ARGS = /^--?(tls[-_]cert[-_]file|cert[-_]file|tls[-_]cert|certfile|ssl[-_]cert)$/i;
const CA_ARGS =
  /^--?(client[-_]ca[-_]file|tls[-_]client[-_]ca[-_]file|client[-_]ca|ca[-_]file|tls[-_]ca[-_]file|cafile|ssl[-_]ca)$/i;
const CERT_ENV = /^(TLS_CERT_FILE|SSL_CERT_FILE|TLS_CERT|CERT_FILE|SERVER_CERT_FILE|TLS_CRT)$/i;
const CA_ENV = /^(CLIENT_CA_FILE|TLS_CLIENT_CA_FILE|CA_FILE|TLS_CA_FILE|SSL_CA_FILE|CLIENT_CA)$/i;

function unknown(why: string): UpstreamTls {
  return { state: "unknown", why };
}

function secretFile(secret: SecretResource, key: string): SecretFile | undefined {
  const value = secret.values.get(key);
  if (!value) return undefined;
  return { secret, key, at: documentLocation(secret, value.path), value };
}

/** The keys cert-manager writes that the handshake reads. */
const ISSUED_KEYS = ["tls.crt", "ca.crt"];

/**
 * Key `key` of Secret `namespace/name` when a Certificate in Git produces it: the file (at the Certificate's secretName),
 * a string saying why its contents are unknown, or undefined when no Certificate produces it or it has no such key.
 */
function issuedFile(
  model: Model,
  namespace: string,
  name: string,
  key: string,
  now: Date,
): SecretFile | string | undefined {
  if (!ISSUED_KEYS.includes(key)) return undefined;
  const issued = issuedSecret(model, namespace, name, now);
  if (!issued) return undefined;
  if (issued.state === "unknown") return issued.why;
  return {
    secret: { id: resourceId("Secret", namespace, name), namespace, name },
    key,
    at: issued.issued.at,
    issued: issued.issued,
  };
}

/**
 * The certificates a file holds. A Secret cert-manager writes holds a leaf not issued yet and the CA's chain: `tls.crt`
 * gives the chain from the issuing CA (the planned leaf is verified from it), `ca.crt` the top of that chain.
 */
export function certsOf(file: SecretFile, now: Date): LoadedCert[] {
  if (file.value) return loadCertificates(file.value, now);
  if (!file.issued) return [];
  const chain = [...file.issued.caCerts];
  return file.key === "ca.crt" ? chain.slice(-1) : chain;
}

/** The name a file's owner is shown by: the Secret, and for one cert-manager writes, the Certificate and its issuer. */
export function describeFile(file: SecretFile): string {
  const name = `${file.secret.namespace}/${file.secret.name}`;
  if (file.secret.kind === "ConfigMap") return `${name} (a ConfigMap)`;
  if (!file.issued) return name;
  const certificate = file.issued.certificate;
  const ca = file.issued.caSecret;
  return `${name} (written by cert-manager Certificate ${certificate.namespace}/${certificate.name}, ${file.issued.issuerName} with the CA in Secret ${ca.namespace}/${ca.name} at ${file.issued.caAt.file}:${file.issued.caAt.line})`;
}

function leafSummary(certs: readonly LoadedCert[]): LeafSummary | null {
  const leaf = certs[0]?.facts;
  if (!leaf) return null;
  return {
    subject: leaf.subject,
    issuer: leaf.issuer,
    sans: [...leaf.sanDnsNames, ...leaf.sanIpAddresses],
    notAfter: leaf.notAfter,
    daysLeft: leaf.daysLeft,
  };
}

/** The Kubernetes Service a route's upstream host names: `name`, `name.namespace`, or `name.namespace.svc[.cluster domain]`. */
export function serviceOf(route: Route, model: Model): CarrierResource | string {
  const labels = route.upstreamHost.split(".");
  const name = labels[0] ?? "";
  if (labels.length > 2 && labels[2] !== "svc") return `${route.upstreamHost} is not a Kubernetes Service name`;
  const resolver = resolverKind(route.mapping.resolver, {
    emissaryNamespace: model.installation.namespace.value,
    resolvers: model.resolvers,
  });
  if (resolver === "consul") return `${route.upstreamHost} is a Consul service, not a Kubernetes Service`;
  if (route.upstreamHost === "localhost") return "localhost is not a Kubernetes Service name";
  // A host still bare after routes.ts qualified it is resolved from Emissary's own pod (the Mapping lives in Emissary's
  // namespace, or the ambassador Module's use_ambassador_namespace_for_service_resolution is set): Emissary's namespace.
  const namespace = labels[1] ?? model.installation.namespace.value;
  return model.services.get(secretKey(namespace, name)) ?? `Service ${namespace}/${name} is not in the analysed files`;
}

/**
 * Whether an argument's value can name a file: absolute, or relative (Kubernetes Dashboard's `--tls-cert-file=dashboard.crt`
 * is relative to its `--default-cert-dir`); not the next flag.
 */
function isFileName(value: string | undefined): value is string {
  return value !== undefined && value !== "" && !value.startsWith("-");
}

/** Files a container's arguments or environment name, by role. */
function namedPaths(container: ContainerInfo): { cert: string[]; ca: string[] } {
  const cert: string[] = [];
  const ca: string[] = [];
  container.command.forEach((arg, index) => {
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : container.command[index + 1];
    if (!isFileName(value)) return;
    if (CERT_ARGS.test(flag)) cert.push(value);
    if (CA_ARGS.test(flag)) ca.push(value);
  });
  for (const variable of container.env) {
    if (!isFileName(variable.value)) continue;
    if (CERT_ENV.test(variable.name)) cert.push(variable.value);
    if (CA_ENV.test(variable.name)) ca.push(variable.value);
  }
  return { cert, ca };
}

/** The Secret key a file path inside a container comes from, through its volume mounts and the volume's items. */
/** A CA bundle a ConfigMap volume (or projected source) puts at `relative` inside the volume named `volume`. */
function configMapFileAt(
  relative: string,
  volume: string,
  configMaps: readonly MountedConfigMap[],
  model: Model,
  namespace: string,
): SecretFile | undefined {
  for (const mounted of configMaps.filter((m) => m.volume === volume)) {
    const key = mounted.items ? mounted.items.find((item) => item.path === relative)?.key : relative;
    const configMap = key === undefined ? undefined : model.configMaps.get(secretKey(namespace, mounted.configMapName));
    const value = key === undefined ? undefined : configMap?.bundles.get(key);
    if (configMap && value) {
      const ref = { id: configMap.id, namespace: configMap.namespace, name: configMap.name, kind: "ConfigMap" };
      return { secret: ref, key: value.key, at: documentLocation(configMap, value.path), value };
    }
  }
  return undefined;
}

function fileAt(
  path: string,
  container: ContainerInfo,
  mounts: readonly MountedSecret[],
  model: Model,
  namespace: string,
  now: Date,
  configMaps: readonly MountedConfigMap[] = [],
): SecretFile | undefined {
  // A relative name is resolved against a directory the program chooses (a cert-dir flag, its working directory), which
  // the manifests do not always say: it is looked for inside every mount, and the first mounted Secret holding it wins.
  const relativeName = path.startsWith("/") ? undefined : path.replace(/^(\.\/)+/, "");
  for (const mount of container.volumeMounts ?? []) {
    const base = mount.mountPath.replace(/\/+$/, "");
    if (relativeName !== undefined) {
      if (mount.subPath !== undefined && base.slice(base.lastIndexOf("/") + 1) !== relativeName) continue;
    } else if (mount.subPath !== undefined) {
      if (path !== base) continue;
    } else if (!path.startsWith(`${base}/`)) continue;
    const relative = mount.subPath ?? relativeName ?? path.slice(base.length + 1);
    const bundle = configMapFileAt(relative, mount.name, configMaps, model, namespace);
    if (bundle) return bundle;
    for (const volume of mounts.filter((m) => m.volume === mount.name)) {
      const key = volume.items ? volume.items.find((item) => item.path === relative)?.key : relative;
      if (key === undefined) continue;
      const secret = model.secrets.get(secretKey(namespace, volume.secretName));
      if (!secret) {
        const issued = issuedFile(model, namespace, volume.secretName, key, now);
        if (issued !== undefined && typeof issued !== "string") return issued;
        continue;
      }
      if (secret.encrypted) continue;
      const file = secretFile(secret, key);
      if (file) return file;
    }
  }
  return undefined;
}

interface Sides {
  server?: SecretFile;
  clientCa?: SecretFile;
  /**
   * Whether a container names the client CA file (`--client-ca-file`-style). A `ca.crt` merely mounted is often the
   * server certificate's own issuer (cert-manager writes one into every Secret), which says nothing about whether the
   * upstream asks for a client certificate: a merge gate must not block on that guess.
   */
  clientCaNamed?: boolean;
  /** Why the client CA file a container names cannot be read. */
  clientCaWhy?: string;
  why?: string;
}

/** A workload's server key pair and client CA: from the files its containers name, else from the usual key names. */
function sidesOf(workload: WorkloadResource, model: Model, now: Date): Sides {
  const mounted = workload.mountedSecrets;
  let server: SecretFile | undefined;
  let clientCa: SecretFile | undefined;
  let clientCaNamed = false;
  let clientCaWhy: string | undefined;
  for (const container of workload.containers) {
    const named = namedPaths(container);
    server ??= named.cert
      .map((p) => fileAt(p, container, mounted, model, workload.namespace, now))
      .find((f) => f !== undefined);
    clientCa ??= named.ca
      .map((p) => fileAt(p, container, mounted, model, workload.namespace, now, workload.mountedConfigMaps))
      .find((f) => f !== undefined);
    if (clientCa) clientCaNamed = true;
    else if (named.ca.length > 0) clientCaWhy ??= unreadableCa(named.ca[0] as string, container, workload, model);
  }
  const secrets = [...new Set(mounted.map((m) => m.secretName))].map((name) => ({
    name,
    secret: model.secrets.get(secretKey(workload.namespace, name)),
  }));
  if (!server) {
    const pairs = secrets.flatMap(({ secret }) => {
      if (!secret || secret.encrypted || !KEY_KEYS.some((k) => secret.values.has(k))) return [];
      const key = CERT_KEYS.find((k) => secret.values.has(k));
      const file = key === undefined ? undefined : secretFile(secret, key);
      return file ? [file] : [];
    });
    if (pairs.length > 1)
      return {
        why: `${workload.kind} ${workload.namespace}/${workload.name} mounts ${pairs.length} key pairs (${pairs.map((p) => p.secret.name).join(", ")}) and names none in its arguments`,
      };
    server = pairs[0];
  }
  if (!server) {
    // A key pair Secret not in Git that a Certificate in Git produces: the certificate its issuer's CA will sign.
    const issued = secrets
      .filter(({ secret }) => !secret)
      .map(({ name }) => issuedFile(model, workload.namespace, name, "tls.crt", now))
      .filter((f) => f !== undefined);
    const known = issued.filter((f): f is SecretFile => typeof f !== "string");
    if (known.length > 1)
      return {
        why: `${workload.kind} ${workload.namespace}/${workload.name} mounts ${known.length} Secrets cert-manager writes (${known.map((p) => p.secret.name).join(", ")}) and names none in its arguments`,
      };
    if (known.length === 0 && typeof issued[0] === "string") return { why: issued[0] };
    server = known[0];
  }
  if (!server) {
    const outside = secrets.filter(
      ({ secret, name }) => (!secret || secret.encrypted) && model.providers.has(secretKey(workload.namespace, name)),
    );
    if (outside.length > 0) {
      const name = outside[0]?.name ?? "";
      // Which resource makes it (a cert-manager Certificate, a SealedSecret...) is where a reader goes next. Named, not
      // located: a rendered environment's line would point into the render, which findings remap and this text cannot.
      const provider = model.providers.get(secretKey(workload.namespace, name))?.find((p) => p.resource);
      const by =
        provider?.kind === "sops"
          ? " (encrypted in Git)"
          : provider?.resource
            ? ` (by ${provider.resource.kind} ${provider.resource.namespace}/${provider.resource.name})`
            : "";
      return { why: `the key pair Secret ${workload.namespace}/${name} is created outside Git${by}` };
    }
    // Secrets the pod mounts that no file defines are usually made at deploy time (a Job running kubectl, Vault, an
    // operator): naming them says where the key pair most likely is, which "mounts none" alone does not.
    const absent = secrets.filter(
      ({ secret, name }) => !secret && !model.providers.has(secretKey(workload.namespace, name)),
    );
    const names = absent.map(({ name }) => `${workload.namespace}/${name}`).join(", ");
    return {
      why: `${workload.kind} ${workload.namespace}/${workload.name} mounts no Secret with a server certificate and key in the analysed files${absent.length > 0 ? `; it mounts ${absent.length === 1 ? "a Secret" : "Secrets"} no file defines (${names}), likely made at deploy time` : ""}`,
    };
  }
  if (!clientCa && !clientCaWhy) {
    // The usual names: ca.crt beside the key pair (cert-manager) or in a Secret of its own.
    const serverSecret = server.secret;
    if (server.issued) clientCa = issuedFileOf(model, serverSecret, "ca.crt", now);
    const ordered = [
      ...(server.issued ? [] : [serverSecret as SecretResource]),
      ...secrets.flatMap(({ secret }) => (secret && secret !== serverSecret && !secret.encrypted ? [secret] : [])),
    ];
    for (const secret of clientCa ? [] : ordered) {
      const key = CA_KEYS.find((k) => secret.values.has(k));
      if (key !== undefined) {
        clientCa = secretFile(secret, key);
        break;
      }
    }
  }
  return {
    ...(server ? { server } : {}),
    ...(clientCa ? { clientCa, clientCaNamed } : {}),
    ...(!clientCa && clientCaWhy ? { clientCaWhy } : {}),
  };
}

/**
 * Why the client CA file a container names cannot be read: the ConfigMap or Secret its volume comes from is not in Git
 * (a trust-manager Bundle, for one, writes ConfigMaps in the cluster from sources outside the repository).
 */
function unreadableCa(path: string, container: ContainerInfo, workload: WorkloadResource, model: Model): string {
  for (const mount of container.volumeMounts ?? []) {
    const base = mount.mountPath.replace(/\/+$/, "");
    if (path !== base && !path.startsWith(`${base}/`)) continue;
    const configMap = (workload.mountedConfigMaps ?? []).find((m) => m.volume === mount.name);
    if (configMap) {
      const key = secretKey(workload.namespace, configMap.configMapName);
      const known = model.configMaps.get(key);
      return known
        ? `the client CA file ${path} comes from ConfigMap ${key}, which holds no certificate under that name`
        : `the client CA file ${path} comes from ConfigMap ${key}, which is not in the analysed files (a trust-manager Bundle or another controller may write it)`;
    }
    const secret = workload.mountedSecrets.find((m) => m.volume === mount.name);
    if (secret)
      return `the client CA file ${path} comes from Secret ${workload.namespace}/${secret.secretName}, which is not readable in Git`;
  }
  return `the client CA file ${path} is not in a volume from the analysed files`;
}

function issuedFileOf(model: Model, secret: SecretRef, key: string, now: Date): SecretFile | undefined {
  const file = issuedFile(model, secret.namespace, secret.name, key, now);
  return typeof file === "string" ? undefined : file;
}

function sameFile(a: SecretFile | undefined, b: SecretFile | undefined): boolean {
  if (!a || !b) return a === b;
  return a.secret.id === b.secret.id && a.key === b.key;
}

/** The route's trusted CA bundle in Git, or why there is none to simulate with. */
function trustedCaOf(route: Route, model: Model, now: Date): SecretFile | string {
  const context = route.effectiveContext;
  if (!context) return "the route has no TLSContext: Envoy verifies no server certificate";
  const definition = context.definition;
  if (definition.cacertChainFile !== undefined && definition.caSecret === undefined)
    return `the CA is the file ${definition.cacertChainFile} in Emissary's pod, not in Git`;
  const lookup: SecretLookup | undefined = context.caSecret ?? (route.upstreamVerified ? context.secret : undefined);
  if (!lookup) return "the route has no ca_secret: Envoy verifies no server certificate";
  // Emissary reads the CA from tls.crt: in a Secret cert-manager writes, a leaf followed by its issuer's chain.
  if (!lookup.secret && context.caSecret) {
    const issued = issuedFile(model, lookup.namespace, lookup.name, "tls.crt", now);
    if (issued !== undefined) return issued;
  }
  if (!lookup.secret || lookup.secret.encrypted)
    return `the CA Secret ${lookup.namespace}/${lookup.name} is not readable in Git`;
  const key = context.caSecret
    ? ["tls.crt", "root-cert.pem"].find((k) => lookup.secret?.values.has(k))
    : "root-cert.pem";
  const file = key === undefined ? undefined : secretFile(lookup.secret, key);
  return file ?? `the CA Secret ${lookup.namespace}/${lookup.name} holds no tls.crt`;
}

function clientCertOf(route: Route, model: Model, now: Date): SecretFile | string {
  const lookup = route.effectiveContext?.secret;
  if (!lookup) return "Emissary presents no client certificate from a Secret";
  if (!lookup.secret) {
    const issued = issuedFile(model, lookup.namespace, lookup.name, "tls.crt", now);
    if (issued !== undefined) return issued;
  }
  if (!lookup.secret || lookup.secret.encrypted)
    return `the client Secret ${lookup.namespace}/${lookup.name} is not readable in Git`;
  const key = ["tls.crt", "cert-chain.pem"].find((k) => lookup.secret?.values.has(k));
  const file = key === undefined ? undefined : secretFile(lookup.secret, key);
  return file ?? `the client Secret ${lookup.namespace}/${lookup.name} holds no certificate`;
}

function nameCovered(file: SecretFile, leaf: LoadedCert | undefined, name: string): boolean {
  if (file.issued) return issuedCovers(file.issued, name);
  if (!leaf) return false;
  try {
    return /^[\d.]+$|:/.test(name)
      ? leaf.x509.checkIP(name) !== undefined
      : leaf.x509.checkHost(name, { subject: "never" }) !== undefined;
  } catch {
    return false;
  }
}

interface WorkloadIndex {
  byNamespace: Map<string, WorkloadResource[]>;
  /** The workloads running each Service's pods (Jobs and CronJobs aside), by Service: many routes share one. */
  serving: Map<CarrierResource, readonly WorkloadResource[]>;
}

const workloadIndexes = new WeakMap<Model, WorkloadIndex>();

/**
 * The model's workloads by namespace, in model order. Every route and every Service looks its pods up here: scanning
 * all workloads for each of them grew with routes times workloads (seconds at 10,000 resources). Per model, since
 * base and head are two models of one check.
 */
function workloadIndex(model: Model): WorkloadIndex {
  let index = workloadIndexes.get(model);
  if (!index) {
    index = { byNamespace: new Map(), serving: new Map() };
    for (const workload of model.workloads) {
      const list = index.byNamespace.get(workload.namespace);
      if (list) list.push(workload);
      else index.byNamespace.set(workload.namespace, [workload]);
    }
    workloadIndexes.set(model, index);
  }
  return index;
}

function workloadsIn(model: Model, namespace: string): readonly WorkloadResource[] {
  return workloadIndex(model).byNamespace.get(namespace) ?? [];
}

/** The upstream's TLS side of one route that originates TLS, both directions simulated; null for other routes. */
export function upstreamTlsOf(route: Route, model: Model, now: Date): UpstreamTls | null {
  if (route.rejected || !route.originatesTls || route.mapping.kind !== "Mapping") return null;
  const service = serviceOf(route, model);
  if (typeof service === "string") return unknown(service);
  if (!service.selector || Object.keys(service.selector).length === 0)
    return unknown(`Service ${service.namespace}/${service.name} has no selector`);
  const { serving } = workloadIndex(model);
  let workloads = serving.get(service);
  if (!workloads) {
    const selector = Object.entries(service.selector);
    workloads = workloadsIn(model, service.namespace).filter(
      (w) => w.kind !== "Job" && w.kind !== "CronJob" && selector.every(([k, v]) => w.podLabels[k] === v),
    );
    serving.set(service, workloads);
  }
  if (workloads.length === 0)
    return unknown(`no workload in the analysed files runs the pods of Service ${service.namespace}/${service.name}`);
  const found = workloads.map((workload) => ({ workload, sides: sidesOf(workload, model, now) }));
  const withServer = found.filter((f) => f.sides.server);
  if (withServer.length === 0) return unknown(found[0]?.sides.why ?? "no server certificate found");
  const first = withServer[0] as { workload: WorkloadResource; sides: Sides };
  // Workloads that serve one Service with different key pairs make the answer depend on the pod reached.
  if (withServer.some((f) => !sameFile(f.sides.server, first.sides.server))) {
    return unknown(
      `the pods of Service ${service.namespace}/${service.name} mount different server certificates (${withServer.map((f) => `${f.workload.kind} ${f.workload.name}`).join(", ")})`,
    );
  }
  const server = first.sides.server as SecretFile;
  const clientCa = first.sides.clientCa ?? null;
  const serverCerts = certsOf(server, now);
  if (serverCerts.length === 0)
    return unknown(
      `the server certificate in Secret ${server.secret.namespace}/${server.secret.name} (${server.key}) cannot be read`,
    );

  let serverCheck: HandshakeSide | null = null;
  let serverSkipped: string | null = null;
  let clientCheck: HandshakeSide | null = null;
  let clientSkipped: string | null = null;
  const trustedCa = trustedCaOf(route, model, now);
  const clientCert = clientCertOf(route, model, now);
  const clientCerts = typeof clientCert === "string" ? [] : certsOf(clientCert, now);
  const caCerts = typeof trustedCa === "string" ? [] : certsOf(trustedCa, now);
  const upstreamCaCerts = clientCa ? certsOf(clientCa, now) : [];
  // A planned leaf (cert-manager's, not issued yet) has no certificate of its own to show or compare dates with.
  const serverLeafCerts = server.issued ? [] : serverCerts;
  const clientLeafCerts = typeof clientCert !== "string" && clientCert.issued ? [] : clientCerts;

  if (typeof trustedCa === "string") serverSkipped = trustedCa;
  else {
    // Envoy builds the path from what the upstream sends; an intermediate in the route's own bundle counts as trusted.
    serverCheck = {
      presented: server,
      leaf: leafSummary(serverLeafCerts),
      trustedBy: trustedCa,
      result: verifyChain(serverCerts, caCerts, [], "serverAuth", now, server.issued?.planned),
      presentedCerts: serverLeafCerts,
      trustedCerts: caCerts,
    };
  }
  if (!clientCa && first.sides.clientCaWhy) clientSkipped = first.sides.clientCaWhy;
  else if (!clientCa) clientSkipped = "the upstream names no client CA (it may not ask for a client certificate)";
  else if (first.sides.clientCaNamed !== true)
    clientSkipped = `the upstream mounts ${clientCa.secret.namespace}/${clientCa.secret.name} (${clientCa.key}) but names no client CA file in its arguments or environment, so whether it asks for a client certificate is not known`;
  else if (typeof clientCert === "string") clientSkipped = clientCert;
  else {
    clientCheck = {
      presented: clientCert,
      leaf: leafSummary(clientLeafCerts),
      trustedBy: clientCa,
      result: verifyChain(clientCerts, upstreamCaCerts, [], "clientAuth", now, clientCert.issued?.planned),
      presentedCerts: clientLeafCerts,
      trustedCerts: upstreamCaCerts,
    };
  }
  const name = route.effectiveContext?.definition.sni ?? route.upstreamHost;
  return {
    state: "known",
    service,
    workload: first.workload,
    server,
    serverLeaf: leafSummary(serverLeafCerts),
    clientCa,
    serverCheck,
    serverSkipped,
    clientCheck,
    clientSkipped,
    name,
    nameCovered: nameCovered(server, serverLeafCerts[0], name),
    serverCerts: serverLeafCerts,
  };
}

/** Every route's upstream TLS side, set on the route (`upstreamTls`). */
export function resolveUpstreamTls(routes: readonly Route[], model: Model, now: Date): void {
  for (const route of routes) {
    const upstream = upstreamTlsOf(route, model, now);
    if (upstream) route.upstreamTls = upstream;
  }
}

/** A Service whose pods serve a server certificate from Git, with that certificate's chain (from the issuing CA for a planned leaf). */
export interface ServedCertificate {
  service: CarrierResource;
  server: SecretFile;
  certs: readonly LoadedCert[];
}

/** Every Service in the model whose pods mount one server key pair in Git: what each would present to Envoy. */
export function servedCertificates(model: Model, now: Date): ServedCertificate[] {
  const result: ServedCertificate[] = [];
  for (const service of model.services.values()) {
    const selector = Object.entries(service.selector ?? {});
    if (selector.length === 0) continue;
    const workloads = workloadsIn(model, service.namespace).filter((w) => selector.every(([k, v]) => w.podLabels[k] === v));
    const server = workloads.map((w) => sidesOf(w, model, now).server).find((s) => s !== undefined);
    if (!server) continue;
    const certs = certsOf(server, now);
    if (certs.length > 0) result.push({ service, server, certs });
  }
  return result;
}

/** The other Services whose served certificates the route's CA also verifies: any of them could answer as this upstream. */
export function otherServicesTrusted(
  route: Route,
  served: readonly ServedCertificate[],
  now: Date,
): ServedCertificate[] {
  const upstream = route.upstreamTls;
  if (!upstream || upstream.state !== "known" || !upstream.serverCheck?.result.ok) return [];
  const trusted = upstream.serverCheck.trustedCerts;
  return served.filter(
    (other) =>
      other.service !== upstream.service &&
      !sameFile(other.server, upstream.server) &&
      verifyChain(other.certs, trusted, [], "serverAuth", now, other.server.issued?.planned).ok,
  );
}
