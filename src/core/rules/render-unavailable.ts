import { defineRule, reportRenderDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "render-unavailable",
    severity: "warning",
    description: "kustomize or helm is not installed, so an environment's files were skipped instead of rendered.",
    messages: {
      "no-tool": (data) =>
        `${text(data, "tool")} was not found (PATH, or ${text(data, "variable")}): environment ${text(data, "environment")} was not rendered and its ${text(data, "files")} file(s) were skipped.`,
    },
  },
  check(context, report) {
    reportRenderDiagnostics("render-unavailable", context, report);
  },
});
