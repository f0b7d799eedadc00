import { reportSecretReferences } from "./lookups.js";
import { documentLocation } from "../model/resources.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "secret-unsupported-type",
    severity: "error",
    description: "A referenced Secret has a type Emissary ignores (only kubernetes.io/tls, Opaque and istio.io/key-and-cert are read), so it looks missing.",
  },
  message(data) {
    return `Secret ${text(data, "secret")} has type ${text(data, "type")}, which Emissary ignores (it reads only kubernetes.io/tls, Opaque and istio.io/key-and-cert), so ${text(data, "referrer")} sees it as missing. Change the type.`;
  },
  check({ simulation }, report) {
    reportSecretReferences(
      simulation,
      report,
      ({ lookup }) => lookup.status === "unsupported-type",
      ({ lookup, at }) => lookup.secret ? documentLocation(lookup.secret, ["type"]) : at,
    );
  },
};
