import {
  describeFile,
  otherServicesTrusted,
  servedCertificates,
  type ServedCertificate,
} from "../resolve/upstream-tls.js";
import { contextField } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "upstream-identity-unchecked",
    severity: "warning",
    description:
      "The route's CA also issued server certificates for other services in the repository; Emissary checks no names, so any of them would be accepted as this upstream.",
    messages: {
      "shared-ca": (data) =>
        `Route ${text(data, "prefix")} (Mapping ${text(data, "mapping")}) accepts any certificate its CA ${text(data, "caSecret")} issued, whatever its names (Emissary configures no subject-alternative-name check): the CA also issued the certificates of ${text(data, "others")}, so any of them could answer as ${text(data, "name")}. ${data.nameCovered ? `The upstream's own certificate (Secret ${text(data, "serverSecret")}, ${text(data, "serverFile")}:${text(data, "serverLine")}) does cover ${text(data, "name")}.` : `The upstream's own certificate (Secret ${text(data, "serverSecret")}, ${text(data, "serverFile")}:${text(data, "serverLine")}) does not even cover ${text(data, "name")}.`} Give this upstream a CA of its own, or an intermediate that issues only its certificate.`,
    },
  },
  check({ simulation, model, now }, report) {
    let served: ServedCertificate[] | undefined;
    for (const route of simulation.routes) {
      const upstream = route.upstreamTls;
      const context = route.effectiveContext;
      if (!upstream || upstream.state !== "known" || !context || !upstream.serverCheck?.result.ok) continue;
      served ??= servedCertificates(model, now);
      const others = otherServicesTrusted(route, served, now);
      if (others.length === 0) continue;
      const mapping = route.mapping;
      const names = others
        .map(
          (o) =>
            `Service ${o.service.namespace}/${o.service.name} (Secret ${o.server.secret.name}, ${o.server.at.file}:${o.server.at.line})`,
        )
        .sort();
      report({
        at: contextField(context, context.definition.caSecret !== undefined ? "ca_secret" : "secret"),
        resource: context.definition.resource,
        messageId: "shared-ca",
        // The route and its upstream; which other services share the CA is what it says, and may grow.
        identity: {
          mapping: `${mapping.namespace}/${mapping.name}`,
          upstream: `${route.upstreamHost}:${route.upstreamPort}`,
        },
        display: {
          prefix: mapping.prefix ?? mapping.name,
          caSecret: describeFile(upstream.serverCheck.trustedBy),
          others: names.join(", "),
          name: upstream.name,
          nameCovered: upstream.nameCovered,
          serverSecret: describeFile(upstream.server),
          serverFile: upstream.server.at.file,
          serverLine: upstream.server.at.line,
        },
      });
    }
  },
});
