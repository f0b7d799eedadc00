import {
  kustomizationGraphOf,
  type KustomizationFile,
  type KustomizationGraph,
} from "../environments/kustomization.js";
import { secretReferences } from "./lookups.js";
import { defineRule, text } from "./rule.js";

/** The namespaces a generated Secret may land in: each including kustomization's `namespace:`, the generator's, the default. */
function generatedNamespaces(
  k: KustomizationFile,
  graph: KustomizationGraph,
  written: string | undefined,
  fallback: string,
): Set<string> {
  const namespaces = new Set<string>();
  const effective = graph.effectiveNamespace(k);
  if (effective) namespaces.add(effective);
  // A base built by several overlays lands in each overlay's namespace.
  for (const other of graph.kustomizations) {
    if (other.namespace && graph.build(other).kustomizations.includes(k)) namespaces.add(other.namespace);
  }
  if (namespaces.size === 0) namespaces.add(written ?? fallback);
  return namespaces;
}

/** Whether a kustomization building `k` may teach kustomize new name references (files this analysis cannot judge). */
function mayRewriteReferences(k: KustomizationFile, graph: KustomizationGraph): boolean {
  return graph.kustomizations.some(
    (other) =>
      (other.configurations.length > 0 || other.crds.length > 0) && graph.build(other).kustomizations.includes(k),
  );
}

export const rule = defineRule({
  meta: {
    id: "kustomize-secret-name-hashed",
    severity: "error",
    description:
      "A kustomize secretGenerator Secret is referenced by a TLSContext or Host, but kustomize appends a hash to its name that Emissary's fields never get.",
    messages: {
      hashed: (data) =>
        `secretGenerator ${text(data, "secret")} (${text(data, "kustomization")}): kustomize names the generated Secret ${text(data, "secret")}-<hash>, but ${text(data, "referrer")} refers to it as ${text(data, "field")}: ${text(data, "secret")}. kustomize does not rewrite names in Emissary's fields, so Emissary finds no Secret ${text(data, "namespace")}/${text(data, "secret")} and ${text(data, "consequence")}. Set options.disableNameSuffixHash: true on the generator (or generatorOptions.disableNameSuffixHash), or declare the reference with a configurations nameReference.`,
    },
  },
  check({ model, simulation, policy }, report) {
    const graph = kustomizationGraphOf(model.kustomizations);
    const references = secretReferences(simulation);
    for (const k of graph.kustomizations) {
      if (k.disableNameSuffixHash) continue;
      for (const generator of k.secretGenerators) {
        if (generator.disableNameSuffixHash || mayRewriteReferences(k, graph)) continue;
        const namespaces = generatedNamespaces(k, graph, generator.namespace, policy.defaultNamespace);
        const seen = new Set<string>();
        for (const reference of references) {
          const { lookup } = reference;
          if (lookup.name !== generator.name || !namespaces.has(lookup.namespace)) continue;
          const key = `${reference.referrer}\u0000${reference.field}`;
          if (seen.has(key)) continue;
          seen.add(key);
          report({
            at: { file: k.file, ...k.doc.locate(["secretGenerator", generator.index, "name"]) },
            resource: reference.referrerResource,
            messageId: "hashed",
            identity: {
              secret: generator.name,
              namespace: lookup.namespace,
              referrer: reference.referrer,
              field: reference.field,
            },
            display: {
              kustomization: k.file,
              consequence:
                reference.field === "tlsSecret"
                  ? "the Host is not served with its certificate"
                  : "the context is refused (its Mappings lose their client certificate or CA)",
            },
          });
        }
      }
    }
  },
});
