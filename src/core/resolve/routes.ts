import type { MappingResource } from "../model/resources.js";
import type { RouteMode } from "../types.js";
import type { ContextRegistry, ResolvedContext } from "./contexts.js";
import { parseService, type ParsedService } from "./service.js";
import type { UpstreamTls } from "./upstream-tls.js";

/** How a Mapping's `tls:` was honoured. */
export type ContextOutcome =
  | "none" // no tls: asked for
  | "used" // a usable context
  | "true" // tls: true (pre-v3alpha1): TLS with the null context
  | "unknown" // no context of that name
  | "unusable"; // a context of that name exists but Emissary refused it

export type RejectReason = "load-balancer-with-service-resolver" | "consul-dotted-service" | "malformed-service" | "unknown-resolver";

export interface Route {
  mapping: MappingResource;
  service: ParsedService | undefined;
  /** The host Emissary dials after namespace qualification. */
  upstreamHost: string;
  upstreamPort: number;
  upstreamScheme: "http" | "https";
  /** The namespace the traffic goes to (for policy selectors). */
  serviceNamespace: string;
  originatesTls: boolean;
  /** The outcome of this Mapping's own `tls:`, before cluster sharing. */
  contextOutcome: ContextOutcome;
  /** The context this Mapping asked for, when it exists (even unusable). */
  requestedContext: ResolvedContext | undefined;
  /** The context the cluster really uses: null for none or the null context. */
  effectiveContext: ResolvedContext | undefined;
  usesNullContext: boolean;
  mode: RouteMode;
  upstreamVerified: boolean;
  /** Cluster sharing: the Mapping whose settings this cluster took, when it is another one. */
  clusterLeader: MappingResource | undefined;
  /** True when the leader's TLS settings differ from what this Mapping asked for. */
  lostToSharedCluster: boolean;
  rejected: RejectReason | undefined;
  /** `http://` with a usable context: TLS anyway. */
  httpSchemeWithTls: boolean;
  unknownScheme: boolean;
  /** For routes that originate TLS: the upstream's side of the handshake, simulated (upstream-tls.ts). */
  upstreamTls?: UpstreamTls;
}

const ROOT_CERT_KEY = "root-cert.pem";
const SERVICE_RESOLVERS = new Set(["kubernetes-service"]);
const ENDPOINT_RESOLVERS = new Set(["kubernetes-endpoint", "endpoint"]);
/** Emissary's built-in Consul resolvers. */
const CONSUL_RESOLVERS = new Set(["consul", "consul-endpoint"]);

export interface ResolverInfo {
  kind: "service" | "endpoint" | "consul" | "unknown";
}

export interface RouteOptions {
  emissaryNamespace: string;
  /** The ambassador Module's use_ambassador_namespace_for_service_resolution: no `.namespace` qualification. */
  useEmissaryNamespaceForServices?: boolean;
  /** Resolver resources by name. */
  resolvers: ReadonlyMap<string, ResolverInfo["kind"]>;
}

export function resolverKind(name: string | undefined, options: RouteOptions): ResolverInfo["kind"] {
  if (name === undefined || SERVICE_RESOLVERS.has(name)) return "service";
  if (ENDPOINT_RESOLVERS.has(name)) return "endpoint";
  if (CONSUL_RESOLVERS.has(name) && !options.resolvers.has(name)) return "consul";
  return options.resolvers.get(name) ?? "unknown";
}

/** Emissary's processing order: every HTTP Mapping before any TCPMapping, each ordered by the string `name.namespace`. */
export function processingOrder(mappings: readonly MappingResource[]): MappingResource[] {
  const key = (m: MappingResource) => `${m.kind === "TCPMapping" ? 1 : 0}|${m.name}.${m.namespace}`;
  return [...mappings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function ownResolution(mapping: MappingResource, registry: ContextRegistry, options: RouteOptions): Route {
  const service = mapping.service === undefined ? undefined : parseService(mapping.service);
  const resolver = resolverKind(mapping.resolver, options);
  let rejected: RejectReason | undefined;
  if (!service || service.malformed) rejected = "malformed-service";
  else if (resolver === "unknown") rejected = "unknown-resolver";
  else if (resolver === "service" && mapping.hasLoadBalancer) rejected = "load-balancer-with-service-resolver";
  else if (resolver === "consul" && service.host.includes(".")) rejected = "consul-dotted-service";

  const scheme = service?.scheme;
  const requested = typeof mapping.tls === "string" ? registry.byName.get(mapping.tls) : undefined;
  let contextOutcome: ContextOutcome = "none";
  if (mapping.tls === true) contextOutcome = "true";
  else if (typeof mapping.tls === "string") contextOutcome = !requested ? "unknown" : requested.usable ? "used" : "unusable";

  const unknownScheme = scheme !== undefined && scheme !== "http" && scheme !== "https";
  const usable = contextOutcome === "used";
  const originatesTls = scheme === "https" || usable || contextOutcome === "true";
  const effectiveContext = usable ? requested : undefined;
  const usesNullContext = originatesTls && !effectiveContext;

  // Emissary lower-cases the host, and qualifies a bare one with the Mapping's namespace for every Kubernetes resolver
  // (and for resolvers it cannot identify), unless the Mapping lives in its own namespace.
  let host = (service?.host ?? "").toLowerCase();
  const kubernetesResolver = resolver === "service" || resolver === "endpoint" || resolver === "unknown";
  if (
    kubernetesResolver &&
    !options.useEmissaryNamespaceForServices &&
    host &&
    host !== "localhost" &&
    !host.includes(".") &&
    !host.includes(":") &&
    mapping.namespace !== options.emissaryNamespace
  ) {
    host = `${host}.${mapping.namespace}`;
  }
  const dot = host.indexOf(".");
  const serviceNamespace = resolver === "consul" || dot < 0 ? mapping.namespace : (host.slice(dot + 1).split(".")[0] ?? mapping.namespace);
  return {
    mapping,
    service,
    upstreamHost: host,
    upstreamPort: service?.port ?? (originatesTls ? 443 : 80),
    upstreamScheme: originatesTls ? "https" : "http",
    serviceNamespace,
    originatesTls,
    contextOutcome,
    requestedContext: requested,
    effectiveContext,
    usesNullContext,
    mode: modeOf(originatesTls, effectiveContext),
    upstreamVerified: effectiveContext ? isVerifying(effectiveContext) : false,
    clusterLeader: undefined,
    lostToSharedCluster: false,
    rejected,
    httpSchemeWithTls: scheme === "http" && usable,
    unknownScheme,
  };
}

function modeOf(originatesTls: boolean, context: ResolvedContext | undefined): RouteMode {
  if (!originatesTls) return "plaintext";
  const presentsCertificate = context && (context.definition.secret !== undefined || context.definition.certChainFile !== undefined);
  return presentsCertificate ? "mtls" : "tls";
}

/**
 * A CA verifies the upstream: `ca_secret`, `cacert_chain_file`, or a `secret` carrying Istio's `root-cert.pem`, which
 * Emissary makes the context's trusted CA (irtlscontext.py, resolve_secrets: the SavedSecret's root_cert_path).
 */
function isVerifying(context: ResolvedContext): boolean {
  if (context.definition.caSecret !== undefined || context.definition.cacertChainFile !== undefined) return true;
  const secret = context.secret;
  if (!secret) return false;
  if (secret.secret && !secret.secret.encrypted) return secret.secret.values.has(ROOT_CERT_KEY);
  return (secret.provider?.keys ?? []).includes(ROOT_CERT_KEY);
}

/**
 * Emissary keys a cluster by the service string, the TLS flag, the Mapping's namespace and, only without a scheme,
 * the context name. Mappings that share a cluster all get the TLS settings of the first one processed.
 */
function clusterKey(route: Route): string {
  // `tls: true` is rewritten to an https:// service before the IR sees it, so it joins the https:// cluster.
  // The name is built from the normalised service (lower-cased, namespace-qualified host), so `https://Backend` and
  // `https://backend.ns` from namespace ns share a cluster.
  const scheme = route.contextOutcome === "true" && route.service?.scheme === undefined ? "https" : (route.service?.scheme ?? "");
  const port = route.service?.port ?? "";
  const contextPart = route.service?.scheme === undefined && route.contextOutcome !== "true" ? (route.effectiveContext?.registeredName ?? "") : "";
  const spec = route.mapping.spec;
  const marker = typeof spec.cluster_tag === "string" ? spec.cluster_tag : "";
  const hostRewrite = route.originatesTls && typeof spec.host_rewrite === "string" ? spec.host_rewrite : "";
  return JSON.stringify([marker, scheme, route.upstreamHost, port, route.originatesTls, hostRewrite, route.mapping.namespace, contextPart]);
}

export function resolveRoutes(mappings: readonly MappingResource[], registry: ContextRegistry, options: RouteOptions): Route[] {
  const routes = processingOrder(mappings).map((mapping) => ownResolution(mapping, registry, options));
  const leaders = new Map<string, Route>();
  for (const route of routes) {
    if (route.rejected) continue;
    const key = clusterKey(route);
    const leader = leaders.get(key);
    if (!leader) {
      leaders.set(key, route);
      continue;
    }
    route.clusterLeader = leader.mapping;
    if (leader.effectiveContext !== route.effectiveContext) {
      route.lostToSharedCluster = true;
      route.effectiveContext = leader.effectiveContext;
      route.usesNullContext = route.originatesTls && !leader.effectiveContext;
      route.mode = modeOf(route.originatesTls, route.effectiveContext);
      route.upstreamVerified = route.effectiveContext ? isVerifying(route.effectiveContext) : false;
    }
  }
  return routes;
}
