import { mappingTlsOrService } from "./locations.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "mapping-shared-cluster-tls-conflict",
    severity: "error",
    description: "Mappings share one Envoy cluster but ask for different TLS: the first Mapping processed decides for all, silently.",
  },
  message(data) {
    const decided = data.leaderContext ? `TLSContext ${text(data, "leaderContext")}` : "no TLSContext (no client certificate)";
    return `Mapping ${text(data, "mapping")} asks for ${data.ownContext ? `tls: ${text(data, "ownContext")}` : "no tls:"}, but it shares one cluster (service ${text(data, "service")}, namespace ${text(data, "namespace")}) with Mapping ${text(data, "leader")}, which Emissary processes first and which decides the cluster's TLS: this route gets ${decided} and is ${text(data, "mode")}. Use the same tls: on every Mapping of this service, or make the service strings differ.`;
  },
  check({ simulation }, report) {
    for (const route of simulation.routes) {
      if (!route.lostToSharedCluster || !route.clusterLeader) continue;
      const mapping = route.mapping;
      const weaker = route.requestedContext?.usable && route.mode !== "mtls";
      report({
        at: mappingTlsOrService(mapping),
        resource: mapping,
        severity: weaker ? "error" : "warning",
        data: {
          mapping: `${mapping.namespace}/${mapping.name}`,
          ownContext: typeof mapping.tls === "string" ? mapping.tls : null,
          leader: `${route.clusterLeader.namespace}/${route.clusterLeader.name}`,
          leaderContext: route.effectiveContext?.registeredName ?? null,
          service: mapping.service ?? "",
          namespace: mapping.namespace,
          mode: route.mode,
        },
      });
    }
  },
});
