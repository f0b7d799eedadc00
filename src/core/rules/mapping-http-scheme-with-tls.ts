import { mappingField } from "./locations.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "mapping-http-scheme-with-tls",
    severity: "warning",
    description: "A Mapping's service says http:// but its tls: names a usable context: Emissary originates TLS anyway.",
  },
  message(data) {
    return `Mapping ${text(data, "mapping")}: service ${text(data, "service")} says http://, but tls: ${text(data, "context")} makes Emissary originate TLS anyway ("being used even though service backend lists HTTP"). Write https:// (or drop the scheme) so the manifest says what happens.`;
  },
  check({ simulation }, report) {
    for (const route of simulation.routes) {
      if (!route.httpSchemeWithTls) continue;
      const mapping = route.mapping;
      report({
        at: mappingField(mapping, "service"),
        resource: mapping,
        data: { mapping: `${mapping.namespace}/${mapping.name}`, service: mapping.service ?? "", context: String(mapping.tls) },
      });
    }
  },
});
