import type { Model } from "../model/build.js";
import type { Policy } from "../policy/policy.js";
import { resolveContexts, type ContextRegistry } from "./contexts.js";
import { resolveHosts, type ResolvedHost } from "./hosts.js";
import { resolveRoutes, type Route } from "./routes.js";
import { SecretIndex } from "./secrets.js";

/** What Emissary would build from the model: every context, route and Host, resolved. */
export interface Simulation {
  secrets: SecretIndex;
  contexts: ContextRegistry;
  routes: Route[];
  hosts: ResolvedHost[];
}

function ambassadorModuleFlag(model: Model, key: string): boolean {
  return model.modules.some((module) => module.name === "ambassador" && module.config[key] === true);
}

export function simulate(model: Model, policy: Policy): Simulation {
  const secrets = new SecretIndex(model);
  const contexts = resolveContexts(model, secrets);
  const routes = resolveRoutes(model.mappings, contexts, {
    emissaryNamespace: policy.emissary.namespace,
    useEmissaryNamespaceForServices: ambassadorModuleFlag(model, "use_ambassador_namespace_for_service_resolution"),
    resolvers: model.resolvers,
  });
  const hosts = resolveHosts(model.hosts, contexts, secrets);
  return { secrets, contexts, routes, hosts };
}
