import { defineRule, reportRenderDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "render-refused",
    severity: "warning",
    description:
      "An environment was not rendered because it needs the network, a plugin or an exec function, or files outside the analysed directory.",
    messages: {
      "remote-resource": (data) =>
        `Environment ${text(data, "environment")} includes the remote ${text(data, "reference")}: mtls-gate never fetches remote bases, so the environment was not rendered. Vendor it into the repository.`,
      "remote-chart": (data) =>
        `Environment ${text(data, "environment")} uses the remote chart ${text(data, "reference")}: mtls-gate never pulls charts, so it was not rendered. Vendor the chart into the repository.`,
      "chart-dependency-not-vendored": (data) =>
        `Chart dependency ${text(data, "reference")} of environment ${text(data, "environment")} is not vendored under charts/: mtls-gate never downloads dependencies, so it was not rendered. Run helm dependency build and commit charts/.`,
      "chart-dependency-not-found": (data) =>
        `Chart dependency ${text(data, "reference")} of environment ${text(data, "environment")} names no chart of the repository (no Chart.yaml there), so it was not rendered.`,
      "chart-dependency-limit": (data) =>
        `Chart dependency ${text(data, "reference")} of environment ${text(data, "environment")} goes past what mtls-gate follows of file:// dependencies (${text(data, "limit")}), so it was not rendered.`,
      "exec-function": (data) =>
        `Environment ${text(data, "environment")} runs ${text(data, "reference")} (a KRM/exec function or plugin): mtls-gate never runs code from a pull request, so it was not rendered.`,
      "outside-repository": (data) =>
        `Environment ${text(data, "environment")} reads ${text(data, "reference")}, which leaves the analysed directory (a path or a symbolic link): it was not rendered.`,
    },
  },
  check(context, report) {
    reportRenderDiagnostics("render-refused", context, report);
  },
});
