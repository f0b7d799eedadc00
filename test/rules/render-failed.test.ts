import type { RenderDiagnostic, RenderedInput } from "../../src/core/render/rendered.js";
import { ruleTester } from "../helpers/rule-tester.js";

const kustomization = `# the leaf kustomization of overlays/prod
resources:
  - ../../base
`;

/** A render input with no output and the given problems, as src/render hands it over after a failed render. */
const failed = (...diagnostics: RenderDiagnostic[]): RenderedInput => ({
  environment: "repository",
  files: [],
  plainFiles: [],
  diagnostics,
  unrendered: [],
});
const at = (file: string, line: number) => ({ file, line, column: 1, endLine: line, endColumn: 2 });

ruleTester("render-failed", [
  {
    name: "clean: nothing was rendered, nothing failed",
    files: { "overlays/prod/kustomization.yaml": kustomization },
    render: failed(),
    expect: [],
  },
  {
    name: "the tool's error, on the kustomization",
    files: { "overlays/prod/kustomization.yaml": kustomization },
    render: failed({
      rule: "render-failed",
      messageId: "tool-error",
      location: at("overlays/prod/kustomization.yaml", 1),
      identity: { environment: "overlays/prod", tool: "kustomize build" },
      display: { message: "Error: no such file tls-patch.yaml" },
    }),
    expect: [
      {
        file: "overlays/prod/kustomization.yaml",
        line: 1,
        severity: "error",
        messageId: "tool-error",
        data: { environment: "overlays/prod", message: "Error: no such file tls-patch.yaml" },
      },
    ],
  },
  {
    name: "the time limit and the output limit, each named",
    files: { "overlays/prod/kustomization.yaml": kustomization },
    render: failed(
      {
        rule: "render-failed",
        messageId: "timeout",
        location: at("overlays/prod/kustomization.yaml", 1),
        identity: { environment: "overlays/prod", limit: "time" },
        display: { value: "30 s" },
      },
      {
        rule: "render-failed",
        messageId: "output-too-large",
        location: at("overlays/prod/kustomization.yaml", 2),
        identity: { environment: "overlays/prod", limit: "output" },
        display: { value: "20 MiB" },
      },
    ),
    expect: [
      { line: 1, severity: "error", messageId: "timeout", data: { limit: "time", value: "30 s" } },
      { line: 2, severity: "error", messageId: "output-too-large", data: { limit: "output", value: "20 MiB" } },
    ],
  },
  {
    name: "the cap on renders per check",
    files: { "overlays/prod/kustomization.yaml": kustomization },
    render: failed({
      rule: "render-failed",
      messageId: "too-many-renders",
      location: at("overlays/prod/kustomization.yaml", 1),
      identity: { environment: "overlays/prod" },
      display: { value: 50 },
    }),
    expect: [{ line: 1, severity: "error", messageId: "too-many-renders", data: { value: 50 } }],
  },
]);
