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

export function simulate(model: Model, policy: Policy): Simulation {
  const secrets = new SecretIndex(model);
  const contexts = resolveContexts(model, secrets);
  const routes = resolveRoutes(model.mappings, contexts, { emissaryNamespace: policy.emissary.namespace, resolvers: model.resolvers });
  const hosts = resolveHosts(model.hosts, contexts, secrets);
  return { secrets, contexts, routes, hosts };
}
