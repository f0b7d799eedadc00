import { defineRule, reportRenderDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "render-failed",
    severity: "error",
    description:
      "kustomize build or helm template failed or passed a limit, so the environment's manifests were not analysed.",
    messages: {
      "tool-error": (data) =>
        `${text(data, "tool")} could not render environment ${text(data, "environment")}: ${text(data, "message")}. Its manifests were not analysed; the same command fails at deploy time.`,
      timeout: (data) =>
        `Rendering environment ${text(data, "environment")} passed the time limit (${text(data, "value")}): it was stopped and its manifests were not analysed.`,
      "output-too-large": (data) =>
        `Rendering environment ${text(data, "environment")} wrote more than the output limit (${text(data, "value")}): it was stopped and its manifests were not analysed.`,
      "time-budget": (data) =>
        `Rendering environment ${text(data, "environment")} was stopped, or not started, when the check's renders reached their time budget (${text(data, "value")}): its manifests were not analysed.`,
      "too-many-renders": (data) =>
        `Environment ${text(data, "environment")} was not rendered: the check already ran the most renders allowed (${text(data, "value")}).`,
    },
  },
  check(context, report) {
    reportRenderDiagnostics("render-failed", context, report);
  },
});
