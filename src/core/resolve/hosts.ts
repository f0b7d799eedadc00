import type { HostResource, ListenerResource, ResourceBase } from "../model/resources.js";
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
  // The context each Host's inline `tls:` made, found in one pass over the registry (the first in processing order, as
  // a scan would find it): scanning every context once per Host would grow with their product.
  const inlineContexts = new Map<ResourceBase, ResolvedContext>();
  for (const context of registry.all) {
    const { origin, resource } = context.definition;
    if (origin === "host" && !inlineContexts.has(resource)) inlineContexts.set(resource, context);
  }
  const resolved = hosts.map((host) => resolveHost(host, registry, secrets, inlineContexts));
  // Without Listeners the binding question does not arise (Emissary 1.x, or Listeners in files not analysed).
  if (listeners.length === 0) return resolved;
  const serving = listenersByNamespace(listeners.filter((listener) => listener.http && listener.hostBinding));
  for (const result of resolved) {
    const candidates = [...serving.anyNamespace, ...(serving.byNamespace.get(result.host.namespace) ?? [])];
    result.bound = candidates.some((listener) => listenerBinds(listener, result.host));
    if (!result.bound) result.active = false;
  }
  return resolved;
}

/**
 * The serving Listeners by the namespaces whose Hosts they may take: `from: ALL` any, the others their own. A Host is
 * then checked against the Listeners that could take it, not every Listener.
 */
function listenersByNamespace(serving: readonly ListenerResource[]): { anyNamespace: ListenerResource[]; byNamespace: Map<string, ListenerResource[]> } {
  const anyNamespace: ListenerResource[] = [];
  const byNamespace = new Map<string, ListenerResource[]>();
  for (const listener of serving) {
    if (listener.hostBinding?.from === "ALL") anyNamespace.push(listener);
    else {
      const list = byNamespace.get(listener.namespace);
      if (list) list.push(listener);
      else byNamespace.set(listener.namespace, [listener]);
    }
  }
  return { anyNamespace, byNamespace };
}

function resolveHost(
  host: HostResource,
  registry: ContextRegistry,
  secrets: SecretIndex,
  inlineContexts: ReadonlyMap<ResourceBase, ResolvedContext>,
): ResolvedHost {
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
    result.context = inlineContexts.get(host) ?? registry.byName.get(`${host.name}-context`);
  }
  if (!isResolved(result.tlsSecret)) {
    result.state = "inactive-secret";
    result.active = false;
  }
  return result;
}
