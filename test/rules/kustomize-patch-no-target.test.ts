import type { RenderDiagnostic, RenderedInput } from "../../src/core/render/rendered.js";
import { ruleTester } from "../helpers/rule-tester.js";

const kustomization =
  "resources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n    target: {kind: Mapping, name: biling}\n";

const input = (...diagnostics: RenderDiagnostic[]): RenderedInput => ({
  environment: "overlays/prod",
  files: [],
  plainFiles: [],
  diagnostics,
  unrendered: [],
});

ruleTester("kustomize-patch-no-target", [
  {
    name: "clean: every patch matched",
    files: { "overlays/prod/kustomization.yaml": kustomization },
    render: input(),
    expect: [],
  },
  {
    name: "a target selector that selects nothing: on the kustomization line listing the patch",
    files: { "overlays/prod/kustomization.yaml": kustomization },
    render: input({
      rule: "kustomize-patch-no-target",
      messageId: "no-target",
      location: { file: "overlays/prod/kustomization.yaml", line: 4, column: 5, endLine: 4, endColumn: 25 },
      identity: { environment: "overlays/prod", target: "Mapping/biling" },
      display: {},
    }),
    expect: [{ line: 4, column: 5, severity: "error", messageId: "no-target", data: { target: "Mapping/biling" } }],
  },
]);
