import { resourceLocation, type CarrierResource, type ResourceBase } from "../model/resources.js";
import { defineRule, text } from "./rule.js";

function sameContent(a: ResourceBase, b: ResourceBase): boolean {
  return JSON.stringify(a.spec) === JSON.stringify(b.spec);
}

function isCarrier(resource: ResourceBase): resource is CarrierResource {
  return (resource.kind === "Service" || resource.kind === "Ingress") && "configResources" in resource;
}

/** What an Emissary resource from an annotation stood for, when its annotation disappears. */
function configPart(resource: ResourceBase): string {
  switch (resource.kind) {
    case "Module":
      return resource.name === "tls" ? "the TLS Module (its TLS settings)" : `the ${resource.name} Module (its settings)`;
    case "Mapping":
    case "TCPMapping":
      return `${resource.kind} ${resource.namespace}/${resource.name} (its route)`;
    case "TLSContext":
      return `TLSContext ${resource.name} (its TLS settings)`;
    case "Host":
      return `Host ${resource.namespace}/${resource.name} (its TLS termination)`;
    default:
      return `${resource.kind} ${resource.namespace}/${resource.name}`;
  }
}

/**
 * A replaced Service or Ingress: the Emissary resources of its annotation that the winner does not define again are
 * lost, and those it defines differently take the winner's settings.
 */
function lostConfig(loser: CarrierResource, winner: ResourceBase): string | undefined {
  if (!loser.hasConfig) return undefined;
  const later = new Map((isCarrier(winner) ? winner.configResources : []).map((r) => [r.id, r]));
  const gone = loser.configResources.filter((r) => !later.has(r.id)).map(configPart);
  const changed = loser.configResources.filter((r) => {
    const redefined = later.get(r.id);
    return redefined !== undefined && !sameContent(r, redefined);
  });
  if (gone.length === 0 && changed.length === 0 && later.size > 0) return undefined;
  const parts = [later.size > 0 ? "its getambassador.io/config annotation is replaced by the later one" : "its getambassador.io/config annotation is not in the cluster"];
  if (gone.length > 0) parts.push(`Emissary loses ${[...new Set(gone)].join(", ")}`);
  if (changed.length > 0) parts.push(`${changed.map((r) => `${r.kind} ${r.namespace}/${r.name}`).join(", ")} take${changed.length === 1 ? "s" : ""} the later definition's settings`);
  return parts.length === 1 ? parts[0] : `${parts[0]}, so ${parts.slice(1).join(", and ")}`;
}

function lost(resource: ResourceBase, winner: ResourceBase): string {
  const config = isCarrier(resource) ? lostConfig(resource, winner) : undefined;
  if (config) return config;
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

export const rule = defineRule({
  meta: {
    id: "duplicate-resource",
    severity: "warning",
    description: "The same object is defined more than once; the last one applied (kubectl apply -R order) replaces the others and their settings are lost.",
    messages: {
      identical: (data) => `${text(data, "resource")} is defined again, identically, in ${text(data, "winner")}: harmless, but keep one definition.`,
      replaced: (data) => `${text(data, "resource")} is defined again in ${text(data, "winner")}, which is applied later and wins: ${text(data, "lost")}. Keep one definition.`,
    },
  },
  check({ model }, report) {
    for (const { winner, replaced } of model.duplicates) {
      for (const loser of replaced) {
        const identical = sameContent(loser, winner);
        report({
          at: resourceLocation(loser),
          resource: loser,
          severity: identical ? "notice" : undefined,
          messageId: identical ? "identical" : "replaced",
          identity: { resource: `${loser.kind} ${loser.namespace}/${loser.name}`, identical },
          // Where the winning definition is, and what this one loses to it, describe the duplicate.
          display: { winner: winner.file, lost: lost(loser, winner) },
        });
      }
    }
  },
});
