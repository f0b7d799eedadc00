import type { RenderDiagnostic, RenderedInput } from "../../src/core/render/rendered.js";
import { ruleTester } from "../helpers/rule-tester.js";

const remote = `resources:
  - github.com/example/platform//emissary?ref=v1
`;

const refused = (...diagnostics: RenderDiagnostic[]): RenderedInput => ({
  environment: "repository",
  files: [],
  plainFiles: [],
  diagnostics,
  unrendered: [{ path: "overlays/prod/kustomization.yaml", why: "render refused" }],
});
const at = (file: string, line: number) => ({ file, line, column: 1, endLine: line, endColumn: 2 });

ruleTester("render-refused", [
  { name: "clean: no refusal", files: { "overlays/prod/kustomization.yaml": remote }, render: refused(), expect: [] },
  {
    name: "a remote base, on its line",
    files: { "overlays/prod/kustomization.yaml": remote },
    render: refused({
      rule: "render-refused",
      messageId: "remote-resource",
      location: at("overlays/prod/kustomization.yaml", 2),
      identity: { environment: "overlays/prod", reference: "github.com/example/platform//emissary?ref=v1" },
      display: {},
    }),
    expect: [
      {
        line: 2,
        severity: "warning",
        messageId: "remote-resource",
        data: { reference: "github.com/example/platform//emissary?ref=v1" },
      },
    ],
  },
  {
    name: "a chart dependency not vendored, and an exec function",
    files: { "charts/edge/Chart.yaml": "name: edge\ndependencies:\n  - name: redis\n" },
    render: refused(
      {
        rule: "render-refused",
        messageId: "chart-dependency-not-vendored",
        location: at("charts/edge/Chart.yaml", 3),
        identity: { environment: "charts/edge", reference: "redis" },
        display: {},
      },
      {
        rule: "render-refused",
        messageId: "exec-function",
        location: at("charts/edge/Chart.yaml", 1),
        identity: { environment: "x", reference: "fn.yaml" },
        display: {},
      },
    ),
    expect: [
      { line: 1, severity: "warning", messageId: "exec-function" },
      { line: 3, severity: "warning", messageId: "chart-dependency-not-vendored", data: { reference: "redis" } },
    ],
  },
  {
    name: "a file:// dependency that names no chart, and one past the limits",
    files: {
      "charts/edge/Chart.yaml": "name: edge\ndependencies:\n  - name: common\n    repository: file://../common\n",
    },
    render: refused(
      {
        rule: "render-refused",
        messageId: "chart-dependency-not-found",
        location: at("charts/edge/Chart.yaml", 4),
        identity: { environment: "charts/edge", reference: "file://../common" },
        display: {},
      },
      {
        rule: "render-refused",
        messageId: "chart-dependency-limit",
        location: at("charts/edge/Chart.yaml", 3),
        identity: { environment: "charts/edge", reference: "file://../edge" },
        display: { limit: "a cycle" },
      },
    ),
    expect: [
      {
        line: 3,
        severity: "warning",
        messageId: "chart-dependency-limit",
        data: { reference: "file://../edge", limit: "a cycle" },
      },
      {
        line: 4,
        severity: "warning",
        messageId: "chart-dependency-not-found",
        data: { reference: "file://../common" },
      },
    ],
  },
]);
