import type { Model } from "../model/build.js";
import type { MappingResource } from "../model/resources.js";
import { resolveContexts, type ContextRegistry } from "./contexts.js";
import { resolveHosts, type ResolvedHost } from "./hosts.js";
import { resolveRoutes, type Route } from "./routes.js";
import { SecretIndex } from "./secrets.js";
import { resolveUpstreamTls } from "./upstream-tls.js";

/** What Emissary would build from the model: every context, route and Host, resolved. */
export interface Simulation {
  secrets: SecretIndex;
  contexts: ContextRegistry;
  routes: Route[];
  hosts: ResolvedHost[];
  /** Mappings that answer with a redirect (`host_redirect: true`): Emissary opens no upstream for them. */
  redirects: MappingResource[];
}

function ambassadorModuleFlag(model: Model, key: string): boolean {
  return model.modules.some((module) => module.name === "ambassador" && module.config[key] === true);
}

/** `now`: the clock certificate dates are checked at in the handshake simulation; without it no handshake is simulated. */
export function simulate(model: Model, now?: Date): Simulation {
  const secrets = new SecretIndex(model);
  const contexts = resolveContexts(model, secrets);
  // A redirect Mapping builds no cluster (irhttpmappinggroup.py): it is no upstream route.
  const redirects = model.mappings.filter((mapping) => mapping.hostRedirect);
  const routes = resolveRoutes(model.mappings.filter((mapping) => !mapping.hostRedirect), contexts, {
    emissaryNamespace: model.installation.namespace.value,
    useEmissaryNamespaceForServices: ambassadorModuleFlag(model, "use_ambassador_namespace_for_service_resolution"),
    resolvers: model.resolvers,
  });
  if (now) resolveUpstreamTls(routes, model, now);
  const hosts = resolveHosts(model.hosts, contexts, secrets, model.listeners);
  return { secrets, contexts, routes, hosts, redirects };
}
