import type { RenderDiagnostic, RenderedInput } from "../../src/core/render/rendered.js";
import { ruleTester } from "../helpers/rule-tester.js";

const chart = "apiVersion: v2\nname: edge\nversion: 1.0.0\n";

const input = (...diagnostics: RenderDiagnostic[]): RenderedInput => ({
  environment: "repository",
  files: [],
  plainFiles: [],
  diagnostics,
  unrendered: [{ path: "charts/edge/Chart.yaml", why: "tool not installed" }],
});

ruleTester("render-unavailable", [
  { name: "clean: the tools were there", files: { "charts/edge/Chart.yaml": chart }, render: input(), expect: [] },
  {
    name: "helm missing: on the Chart.yaml, with the variable to set and the files skipped",
    files: { "charts/edge/Chart.yaml": chart },
    render: input({
      rule: "render-unavailable",
      messageId: "no-tool",
      location: { file: "charts/edge/Chart.yaml", line: 1, column: 1, endLine: 1, endColumn: 2 },
      identity: { environment: "charts/edge", tool: "helm" },
      display: { variable: "MTLS_GATE_HELM", files: 3 },
    }),
    expect: [
      {
        line: 1,
        severity: "warning",
        messageId: "no-tool",
        data: { tool: "helm", variable: "MTLS_GATE_HELM", files: 3 },
      },
    ],
  },
]);
