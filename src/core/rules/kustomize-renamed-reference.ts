import { kustomizationGraphOf } from "../environments/kustomization.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "kustomize-renamed-reference",
    severity: "error",
    description:
      "A kustomize namePrefix/nameSuffix renames a TLSContext while Mappings of the same build keep its old name in tls:, which kustomize does not rewrite.",
    messages: {
      renamed: (data) =>
        `${text(data, "option")} "${text(data, "affix")}" (${text(data, "kustomization")}) renames TLSContext ${text(data, "context")} to ${text(data, "renamed")}, but Mapping ${text(data, "mapping")} keeps tls: ${text(data, "context")}: kustomize does not know that a Mapping's tls names a TLSContext, so in the cluster no context ${text(data, "context")} exists and the Mapping originates no mTLS (cleartext, or the null context with https://). Write tls: ${text(data, "renamed")} in this build (a patch), or declare the reference with a configurations nameReference.`,
    },
  },
  check({ model }, report) {
    const graph = kustomizationGraphOf(model.kustomizations);
    for (const k of graph.kustomizations) {
      if (k.component || (k.namePrefix === undefined && k.nameSuffix === undefined)) continue;
      const build = graph.build(k);
      // A configurations or crds file may teach kustomize the reference: this analysis cannot judge it, so it stays quiet.
      if (build.kustomizations.some((included) => included.configurations.length > 0 || included.crds.length > 0))
        continue;
      const contexts = new Map(
        model.tlsContexts.filter((c) => c.style === "crd" && build.files.has(c.file)).map((c) => [c.name, c]),
      );
      if (contexts.size === 0) continue;
      const option = k.namePrefix !== undefined ? "namePrefix" : "nameSuffix";
      const affix = k.namePrefix ?? k.nameSuffix ?? "";
      for (const mapping of model.mappings) {
        if (mapping.style !== "crd" || !build.files.has(mapping.file) || typeof mapping.tls !== "string") continue;
        const context = contexts.get(mapping.tls);
        if (!context) continue;
        const renamed = `${k.namePrefix ?? ""}${context.name}${k.nameSuffix ?? ""}`;
        report({
          at: { file: k.file, ...k.doc.locate([option]) },
          resource: mapping,
          messageId: "renamed",
          identity: { kustomization: k.file, context: context.name, renamed },
          display: { option, affix, mapping: `${mapping.namespace}/${mapping.name}` },
        });
      }
    }
  },
});
