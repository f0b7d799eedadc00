import type { LoadedCert } from "../resolve/chain-verify.js";
import { describeFile, type HandshakeSide } from "../resolve/upstream-tls.js";
import { contextField } from "./locations.js";
import { defineRule, text } from "./rule.js";

/** One pair that must be renewed together, and which side of the route's TLSContext it is about. */
interface Pair {
  kind: "server-client" | "route-ca" | "client-ca";
  expiring: LoadedCert;
  renewed: LoadedCert;
  expiringWhere: string;
  renewedWhere: string;
  field: "ca_secret" | "secret";
}

const PAIR_NAMES: Readonly<Record<Pair["kind"], string>> = {
  "server-client": "the two halves of the handshake",
  "route-ca": "the route's CA and the server certificate it verifies",
  "client-ca": "the upstream's client CA and the client certificate it verifies",
};

function where(side: HandshakeSide, which: "presented" | "trustedBy"): string {
  const file = side[which];
  return `Secret ${describeFile(file)} (${file.at.file}:${file.at.line})`;
}

export const rule = defineRule({
  meta: {
    id: "handshake-expiry-skew",
    severity: "warning",
    description:
      "One half of a route's handshake expires within certificates.expiryWarningDays while the other was renewed: a half-rotated pair.",
    messages: {
      skew: (data) =>
        `Route ${text(data, "prefix")} (Mapping ${text(data, "mapping")}): ${text(data, "pair")} were not rotated together. ${text(data, "expiring")} in ${text(data, "expiringWhere")} expires on ${text(data, "notAfter")}, in ${text(data, "days")} day(s), while ${text(data, "renewed")} in ${text(data, "renewedWhere")} runs to ${text(data, "renewedNotAfter")}. When it expires the handshake fails; renew it now, with the other half.`,
    },
  },
  check({ simulation, policy }, report) {
    const threshold = policy.certificates.expiryWarningDays;
    const soon = (c: LoadedCert) => c.facts.validity === "valid" && c.facts.daysLeft <= threshold;
    const later = (c: LoadedCert) => c.facts.validity === "valid" && c.facts.daysLeft > threshold;
    for (const route of simulation.routes) {
      const upstream = route.upstreamTls;
      const context = route.effectiveContext;
      if (!upstream || upstream.state !== "known" || !context) continue;
      const pairs: Pair[] = [];
      const server = upstream.serverCheck;
      const client = upstream.clientCheck;
      const serverLeaf = upstream.serverCerts[0];
      const clientLeaf = client?.presentedCerts[0];
      if (server && client && serverLeaf && clientLeaf) {
        const serverWhere = where(server, "presented");
        const clientWhere = where(client, "presented");
        if (soon(serverLeaf) && later(clientLeaf))
          pairs.push({
            kind: "server-client",
            expiring: serverLeaf,
            renewed: clientLeaf,
            expiringWhere: serverWhere,
            renewedWhere: clientWhere,
            field: "ca_secret",
          });
        if (soon(clientLeaf) && later(serverLeaf))
          pairs.push({
            kind: "server-client",
            expiring: clientLeaf,
            renewed: serverLeaf,
            expiringWhere: clientWhere,
            renewedWhere: serverWhere,
            field: "secret",
          });
      }
      // A CA that expires before the certificates it must verify: they were renewed, it was not.
      const anchor = (side: HandshakeSide | null) => {
        if (!side?.result.ok) return undefined;
        const top = side.result.path[side.result.path.length - 1];
        return side.trustedCerts.find((c) => c.facts.subject === top);
      };
      const routeCa = anchor(server);
      if (server && routeCa && serverLeaf && soon(routeCa) && later(serverLeaf))
        pairs.push({
          kind: "route-ca",
          expiring: routeCa,
          renewed: serverLeaf,
          expiringWhere: where(server, "trustedBy"),
          renewedWhere: where(server, "presented"),
          field: "ca_secret",
        });
      const clientCa = anchor(client);
      if (client && clientCa && clientLeaf && soon(clientCa) && later(clientLeaf))
        pairs.push({
          kind: "client-ca",
          expiring: clientCa,
          renewed: clientLeaf,
          expiringWhere: where(client, "trustedBy"),
          renewedWhere: where(client, "presented"),
          field: "secret",
        });
      const mapping = route.mapping;
      for (const pair of pairs) {
        report({
          at: contextField(
            context,
            pair.field === "ca_secret" && context.definition.caSecret === undefined ? "secret" : pair.field,
          ),
          resource: context.definition.resource,
          messageId: "skew",
          // The route, which pair, and the certificate that expires (by subject and date); days left shrink daily.
          identity: {
            mapping: `${mapping.namespace}/${mapping.name}`,
            pairKind: pair.kind,
            expiring: pair.expiring.facts.subject,
            notAfter: pair.expiring.facts.notAfter.toISOString().slice(0, 10),
          },
          display: {
            prefix: mapping.prefix ?? mapping.name,
            pair: PAIR_NAMES[pair.kind],
            expiringWhere: pair.expiringWhere,
            days: pair.expiring.facts.daysLeft,
            renewed: pair.renewed.facts.subject,
            renewedWhere: pair.renewedWhere,
            renewedNotAfter: pair.renewed.facts.notAfter.toISOString().slice(0, 10),
          },
        });
      }
    }
  },
});
