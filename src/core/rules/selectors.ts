import type { RouteSelector } from "../policy/policy.js";
import type { Route } from "../resolve/routes.js";

/** Whether a policy selector picks a route: by upstream namespace, Mapping prefix, or upstream service. */
export function selects(selector: RouteSelector, route: Route): string | undefined {
  if (selector.namespaces.includes(route.serviceNamespace)) return `namespace ${route.serviceNamespace}`;
  const prefix = route.mapping.prefix;
  if (prefix !== undefined) {
    for (const pattern of selector.prefixes) {
      const matches = pattern.endsWith("*") ? prefix.startsWith(pattern.slice(0, -1)) : prefix === pattern;
      if (matches) return `prefix ${pattern}`;
    }
  }
  const host = route.service?.host;
  if (host !== undefined) {
    const name = host.split(".")[0] ?? host;
    for (const service of selector.services) {
      if (service === host || service === route.upstreamHost || service === name || service === `${name}.${route.serviceNamespace}`) {
        return `service ${service}`;
      }
    }
  }
  return undefined;
}
