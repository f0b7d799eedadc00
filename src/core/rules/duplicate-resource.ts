import { resourceLocation, type ResourceBase } from "../model/resources.js";
import { text, type Rule } from "./rule.js";

function sameContent(a: ResourceBase, b: ResourceBase): boolean {
  return JSON.stringify(a.spec) === JSON.stringify(b.spec);
}

function lost(resource: ResourceBase): string {
  switch (resource.kind) {
    case "Mapping":
    case "TCPMapping":
      return "this definition's route disappears";
    case "Secret":
      return "this definition's keys are not what the cluster holds";
    case "Module":
      return "this Module's settings are lost";
    default:
      return "this definition's settings are lost";
  }
}

export const rule: Rule = {
  meta: {
    id: "duplicate-resource",
    severity: "warning",
    description: "The same object is defined more than once; the last one applied (kubectl apply -R order) replaces the others and their settings are lost.",
  },
  message(data) {
    if (data.identical) return `${text(data, "resource")} is defined again, identically, in ${text(data, "winner")}: harmless, but keep one definition.`;
    return `${text(data, "resource")} is defined again in ${text(data, "winner")}, which is applied later and wins: ${text(data, "lost")}. Keep one definition.`;
  },
  check({ model }, report) {
    for (const { winner, replaced } of model.duplicates) {
      for (const loser of replaced) {
        const identical = sameContent(loser, winner);
        report({
          at: resourceLocation(loser),
          resource: loser,
          severity: identical ? "notice" : undefined,
          data: {
            resource: `${loser.kind} ${loser.namespace}/${loser.name}`,
            winner: winner.file,
            identical,
            lost: lost(loser),
          },
        });
      }
    }
  },
};
