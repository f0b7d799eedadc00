import { mappingTlsOrService } from "./locations.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";

const message: MessageTemplate = (data) => {
  const decided = data.leaderContext ? `TLSContext ${text(data, "leaderContext")}` : "no TLSContext (no client certificate)";
  return `Mapping ${text(data, "mapping")} asks for ${data.ownContext ? `tls: ${text(data, "ownContext")}` : "no tls:"}, but it shares one cluster (service ${text(data, "service")}, namespace ${text(data, "namespace")}) with Mapping ${text(data, "leader")}, which Emissary processes first and which decides the cluster's TLS: this route gets ${decided} and is ${text(data, "mode")}. Use the same tls: on every Mapping of this service, or make the service strings differ.`;
};

export const rule = defineRule({
  meta: {
    id: "mapping-shared-cluster-tls-conflict",
    severity: "error",
    description: "Mappings share one Envoy cluster but ask for different TLS: the first Mapping processed decides for all, silently.",
    messages: {
      // A usable context asked for and lost, leaving the route below mTLS.
      weakened: message,
      overridden: message,
    },
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
        messageId: weaker ? "weakened" : "overridden",
        // What the Mapping asks for and what it gets instead; which Mapping decides, and the cluster's name, describe it.
        identity: {
          mapping: `${mapping.namespace}/${mapping.name}`,
          ownContext: typeof mapping.tls === "string" ? mapping.tls : null,
          leaderContext: route.effectiveContext?.registeredName ?? null,
          mode: route.mode,
        },
        display: { leader: `${route.clusterLeader.namespace}/${route.clusterLeader.name}`, service: mapping.service ?? "", namespace: mapping.namespace },
      });
    }
  },
});
