import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "not-kubernetes-object",
    severity: "error",
    description: "A top-level document uses the legacy ambassador/vN apiVersion, which kubectl rejects: it only works inside a getambassador.io/config annotation.",
    messages: {
      "legacy-api-version": (data) =>
        `apiVersion "${text(data, "apiVersion")}" is not a Kubernetes API: kubectl rejects this ${text(data, "kind")} and Emissary never sees it. Use getambassador.io/v3alpha1 (as a CRD) or move the document into a Service's getambassador.io/config annotation.`,
    },
  },
  check(context, report) {
    reportDiagnostics("not-kubernetes-object", context, report);
  },
});
