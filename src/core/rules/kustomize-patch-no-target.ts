import { defineRule, reportRenderDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "kustomize-patch-no-target",
    severity: "error",
    description:
      "A Kustomize patch matches no resource: kustomize stops (strategic merge) or silently applies nothing (a target selector).",
    messages: {
      "no-target": (data) =>
        `The patch for ${text(data, "target")} in environment ${text(data, "environment")} matches no resource: the change it makes (a tls:, a Secret name) never reaches the cluster. Fix the kind or name it targets.`,
    },
  },
  check(context, report) {
    reportRenderDiagnostics("kustomize-patch-no-target", context, report);
  },
});
