import { matchHostname } from "../certs/index.js";
import type { Model } from "../model/build.js";
import { documentLocation, type CarrierResource, type WorkloadResource } from "../model/resources.js";
import type { ResolvedHost } from "../resolve/hosts.js";
import { resolverKind, type Route } from "../resolve/routes.js";
import { checkableHostname, inspectReferencedSecrets, leafOf, originationClientSecrets } from "../secret-certs.js";
import { groupBy } from "../util/group.js";
import { contextField } from "./locations.js";
import type { MessageData } from "../types.js";
import { defineRule, text } from "./rule.js";

/**
 * The routes that can present a Secret to their upstream, by `namespace/name` of that Secret (routes in simulation
 * order), and the workloads by namespace (in model order): built once per check, so each client Secret looks at its
 * own routes and its upstream's namespace instead of every route and every workload.
 */
interface OwnerIndex {
  routesBySecret: Map<string, Route[]>;
  workloadsByNamespace: Map<string, WorkloadResource[]>;
}

function ownerIndex(routes: readonly Route[], model: Model): OwnerIndex {
  const routesBySecret = new Map<string, Route[]>();
  for (const route of routes) {
    const lookup = route.effectiveContext?.secret;
    if (route.rejected || !route.originatesTls || !lookup) continue;
    const key = `${lookup.namespace}/${lookup.name}`;
    const list = routesBySecret.get(key);
    if (list) list.push(route);
    else routesBySecret.set(key, [route]);
  }
  return { routesBySecret, workloadsByNamespace: groupBy(model.workloads, (w) => w.namespace) };
}

/**
 * A route that presents Secret `name` (`namespace/name`) to a Kubernetes Service whose pods mount that same Secret:
 * the upstream's own key pair, reused as the gateway's client certificate.
 */
function upstreamOwningSecret(
  name: string,
  index: OwnerIndex,
  model: Model,
): { route: Route; service: CarrierResource; workload: WorkloadResource } | undefined {
  const options = { emissaryNamespace: model.installation.namespace.value, resolvers: model.resolvers };
  for (const route of index.routesBySecret.get(name) ?? []) {
    const lookup = route.effectiveContext?.secret;
    if (!lookup) continue;
    const resolver = resolverKind(route.mapping.resolver, options);
    if (resolver !== "service" && resolver !== "endpoint") continue;
    const service = model.services.get(`${route.serviceNamespace}/${route.upstreamHost.split(".")[0] ?? ""}`);
    const selector = Object.entries(service?.selector ?? {});
    if (!service || selector.length === 0 || service.namespace !== lookup.namespace) continue;
    const workload = (index.workloadsByNamespace.get(service.namespace) ?? []).find(
      (w) => selector.every(([key, value]) => w.podLabels[key] === value) && w.mountedSecrets.some((mount) => mount.secretName === lookup.name),
    );
    if (workload) return { route, service, workload };
  }
  return undefined;
}

const head = (data: MessageData) => `Secret ${text(data, "secret")}, presented as a client certificate by TLSContext ${text(data, "contexts")},`;
const RISK =
  "Upstreams then authenticate the gateway with its public server identity: every upstream trusting it also trusts anyone holding the edge certificate, and rotating the edge certificate silently changes the client identity. Use a dedicated client certificate (clientAuth only).";

export const rule = defineRule({
  meta: {
    id: "client-cert-is-server-cert",
    severity: "warning",
    description: "An origination context presents a server identity upstream: a Host's tlsSecret, a server+client cert for a Host's hostname, or the upstream's own key pair.",
    messages: {
      "host-secret": (data) => `${head(data)} is also the tlsSecret of Host ${text(data, "host")} (${text(data, "hostname")}). ${RISK}`,
      "upstream-key-pair": (data) =>
        `${head(data)} is also mounted by ${text(data, "workload")}, whose pods serve Service ${text(data, "service")}, the upstream of Mapping ${text(data, "mapping")}: the gateway presents the upstream's own key pair back to it. The upstream cannot tell the gateway from itself or from any other holder of its key, and its server key now also lives in the gateway's namespace. Use a dedicated client certificate (clientAuth only) for the gateway.`,
      "public-identity": (data) =>
        `${head(data)} holds a certificate for both serverAuth and clientAuth whose subjectAltName covers Host ${text(data, "host")}'s hostname ${text(data, "hostname")}. ${RISK}`,
    },
  },
  check({ simulation, model, now }, report) {
    const inspection = inspectReferencedSecrets(simulation, now);
    // The first Host serving each Secret, by `namespace/name`.
    const hostBySecret = new Map<string, ResolvedHost>();
    for (const host of simulation.hosts) {
      const key = host.tlsSecret && `${host.tlsSecret.namespace}/${host.tlsSecret.name}`;
      if (key && !hostBySecret.has(key)) hostBySecret.set(key, host);
    }
    let owners: OwnerIndex | undefined;
    for (const [name, { lookup, contexts, first }] of originationClientSecrets(simulation.routes)) {
      const inspected = inspection.byName.get(name);
      const resource = lookup.secret ?? lookup.provider?.resource ?? `Secret/${name}`;
      const at =
        inspected?.chain?.at ??
        (lookup.secret ? documentLocation(lookup.secret, ["metadata", "name"]) : (lookup.provider?.location ?? contextField(first, "secret")));
      // The Secret and how it is misused; the contexts presenting it, and which Host or workload shows it, describe it.
      const presented = { contexts: contexts.join(", ") };
      const sharing = hostBySecret.get(name);
      if (sharing) {
        report({
          at,
          resource,
          messageId: "host-secret",
          identity: { secret: name, problem: "host-secret" },
          display: { ...presented, host: `${sharing.host.namespace}/${sharing.host.name}`, hostname: sharing.host.hostname ?? "*" },
        });
        continue;
      }
      owners ??= ownerIndex(simulation.routes, model);
      const owner = upstreamOwningSecret(name, owners, model);
      if (owner) {
        const { route, service, workload } = owner;
        report({
          at,
          resource,
          messageId: "upstream-key-pair",
          identity: { secret: name, problem: "upstream-key-pair", service: `${service.namespace}/${service.name}` },
          display: {
            ...presented,
            workload: `${workload.kind} ${workload.namespace}/${workload.name}`,
            mapping: `${route.mapping.namespace}/${route.mapping.name}`,
          },
        });
        continue;
      }
      const leaf = leafOf(inspected?.chain);
      const eku = leaf?.extKeyUsage;
      if (!leaf || !eku || !eku.includes("serverAuth") || !eku.includes("clientAuth")) continue;
      const publicHost = simulation.hosts.find((h) => checkableHostname(h.host.hostname) && matchHostname(h.host.hostname, leaf) !== null);
      if (!publicHost) continue;
      report({
        at,
        resource,
        messageId: "public-identity",
        identity: { secret: name, problem: "public-identity" },
        display: { ...presented, host: `${publicHost.host.namespace}/${publicHost.host.name}`, hostname: publicHost.host.hostname ?? "" },
      });
    }
  },
});
