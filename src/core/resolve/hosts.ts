import type { HostResource, ListenerResource } from "../model/resources.js";
import type { ContextRegistry, ResolvedContext } from "./contexts.js";
import { isResolved, type SecretIndex, type SecretLookup } from "./secrets.js";

export type HostState =
  | "terminates" // serves its tlsSecret
  | "no-tls" // no tlsSecret: plaintext only (tls/tlsContext are ignored)
  | "inactive-secret" // tlsSecret missing or unusable: Host silently inactive
  | "dropped-unknown-context" // tlsContext names no context
  | "dropped-secret-mismatch"; // linked context's secret differs from tlsSecret

export interface ResolvedHost {
  host: HostResource;
  state: HostState;
  active: boolean;
  tlsSecret: SecretLookup | undefined;
  context: ResolvedContext | undefined;
  /** The linked context's hosts do not include this hostname (error; Host kept). */
  hostnameNotInContext: boolean;
  /** `tls`/`tlsContext` written without `tlsSecret`: silently ignored. */
  tlsIgnored: boolean;
  /** False when Listeners exist and none binds the Host: it serves nothing (then `active` is false too). */
  bound: boolean;
}

/**
 * Whether a Listener takes a Host (irlistener.py, matches_host): `namespace.from: ALL` any namespace, otherwise the
 * Listener's own (SELECTOR is not supported and stays SELF); and every `selector.matchLabels` label on the Host.
 */
export function listenerBinds(listener: ListenerResource, host: { namespace: string; labels: Readonly<Record<string, string>> }): boolean {
  const binding = listener.hostBinding;
  if (!binding) return false;
  if (binding.from !== "ALL" && host.namespace !== listener.namespace) return false;
  return Object.entries(binding.matchLabels ?? {}).every(([key, value]) => host.labels[key] === value);
}

export function resolveHosts(
  hosts: readonly HostResource[],
  registry: ContextRegistry,
  secrets: SecretIndex,
  listeners: readonly ListenerResource[] = [],
): ResolvedHost[] {
  const resolved = hosts.map((host) => resolveHost(host, registry, secrets));
  // Without Listeners the binding question does not arise (Emissary 1.x, or Listeners in files not analysed).
  const serving = listeners.filter((listener) => listener.http && listener.hostBinding);
  if (listeners.length === 0) return resolved;
  for (const result of resolved) {
    result.bound = serving.some((listener) => listenerBinds(listener, result.host));
    if (!result.bound) result.active = false;
  }
  return resolved;
}

function resolveHost(host: HostResource, registry: ContextRegistry, secrets: SecretIndex): ResolvedHost {
  const result: ResolvedHost = {
    host,
    state: "terminates",
    active: true,
    tlsSecret: undefined,
    context: undefined,
    hostnameNotInContext: false,
    tlsIgnored: false,
    bound: true,
  };
  if (!host.tlsSecret) {
    result.state = "no-tls";
    result.tlsIgnored = host.tlsContextName !== undefined || host.inlineTls !== undefined;
    return result;
  }
  const namespace = host.tlsSecret.namespace ?? host.namespace;
  result.tlsSecret = secrets.lookup(host.tlsSecret.name, host.tlsSecret.name, namespace, false, "server");

  if (host.tlsContextName !== undefined) {
    const context = registry.byName.get(host.tlsContextName);
    if (!context) {
      result.state = "dropped-unknown-context";
      result.active = false;
      return result;
    }
    result.context = context;
    const contextSecret = context.secret;
    // A linked context without a secret of its own is given the Host's: only a different secret is a mismatch.
    if (contextSecret && (contextSecret.name !== host.tlsSecret.name || contextSecret.namespace !== namespace)) {
      result.state = "dropped-secret-mismatch";
      result.active = false;
      return result;
    }
    const hosts = context.definition.hosts;
    // An empty list is filled with the Host's hostname; the Host's own name is accepted too (deprecated).
    if (hosts && hosts.length > 0 && host.hostname && !hosts.includes(host.hostname) && !hosts.includes(host.name)) {
      result.hostnameNotInContext = true;
    }
  } else {
    result.context = registry.all.find((c) => c.definition.origin === "host" && c.definition.resource === host) ??
      registry.byName.get(`${host.name}-context`);
  }
  if (!isResolved(result.tlsSecret)) {
    result.state = "inactive-secret";
    result.active = false;
  }
  return result;
}
