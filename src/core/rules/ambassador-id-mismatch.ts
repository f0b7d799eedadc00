import { resourceLocation, specFieldLocation } from "../model/resources.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "ambassador-id-mismatch",
    severity: "notice",
    description:
      "A resource is written for an ambassador_id no Emissary of the repository runs with: the installation analysed drops it.",
    messages: {
      foreign: (data) =>
        `${text(data, "resource")} is written for ambassador_id ${text(data, "ids")}, but the installation analysed runs with ${text(data, "installationId")}${data.idFrom ? ` (${text(data, "idFrom")})` : ""} and no Emissary in the analysed files runs with that id: Emissary drops the resource, so it is not simulated. Add ${text(data, "installationId")} to its ambassador_id if it is meant for this installation, or set emissary.ambassadorId in the policy.`,
    },
  },
  check({ model }, report) {
    const installation = model.installation;
    const known = new Set(installation.knownIds);
    for (const resource of model.otherInstallations) {
      const ids = resource.ambassadorId ?? ["default"];
      // Written for another installation the repository holds: dropped on purpose, nothing to say.
      if (ids.some((id) => known.has(id))) continue;
      // On the id as written (ambassadorId is the synonym status updates write); an Ingress names it in an annotation.
      const key = resource.spec.ambassadorId !== undefined ? "ambassadorId" : "ambassador_id";
      report({
        at: resource.kind === "Ingress" ? resourceLocation(resource) : specFieldLocation(resource, [key]),
        resource,
        messageId: "foreign",
        identity: { resource: resource.id, ids: ids.length > 0 ? ids.join(", ") : "(empty: no installation)" },
        display: {
          installationId: installation.ambassadorId.value,
          idFrom:
            installation.ambassadorId.from ??
            (installation.ambassadorId.source === "policy"
              ? "the policy's emissary.ambassadorId"
              : "Emissary's default"),
        },
      });
    }
  },
});
