/**
 * Rendering through the real app and the fake GitHub (issue 15): a pull request that edits only a chart's values file
 * is checked on what `helm template` makes of it, with the annotations on the lines a person edits and the routes
 * grouped by environment. The real helm and kustomize come from test/render/tools.ts, handed to the Gate.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { locateTools } from "../../src/render/tools.js";
import { gitHash } from "../helpers/fake-github/git.js";
import { annotationsOf, pullRequestEvent, startHarness, type Harness } from "./harness.js";

/** A chart whose templates need a helper (`_helpers.tpl`, not YAML): the reader must keep it for the render. */
function chart(prodContext: string): Record<string, string> {
  return {
    "charts/edge/Chart.yaml": "apiVersion: v2\nname: edge\nversion: 1.0.0\n",
    "charts/edge/.helmignore": "*.bak\n",
    "charts/edge/templates/_helpers.tpl": '{{- define "edge.namespace" -}}{{ .Release.Namespace }}{{- end -}}\n',
    "charts/edge/values.yaml": "tlsContext: upstream\n",
    "charts/edge/values-prod.yaml": `tlsContext: ${prodContext}\n`,
    "charts/edge/templates/tlscontext.yaml": `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: {{ include "edge.namespace" . }}
spec:
  hosts: []
`,
    "charts/edge/templates/mapping.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
  namespace: {{ include "edge.namespace" . }}
spec:
  prefix: /billing/
  service: https://billing:443
  tls: {{ .Values.tlsContext }}
`,
  };
}

describe("rendering in the app", () => {
  let h: Harness;
  before(async () => {
    // Rendering is on by default; the harness gives the Gate the pinned helm and kubectl.
    h = await startHarness({ repo: "acme/charts" });
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, []);
    await h.close();
    await h.gate.close();
  });

  it("a PR that edits only values-prod.yaml fails on the values key and the template line, routes grouped by environment", async () => {
    const base = h.repo.commit(chart("upstream"), { branch: "main" });
    const head = h.repo.commitChanges(base, { "charts/edge/values-prod.yaml": "tlsContext: upstrem\n" });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run, "a check run");
    assert.equal(run.conclusion, "failure");
    const annotations = annotationsOf(h.repo, run.id);
    assert.ok(!annotations.some((a) => /^render-/.test(String(a.title))), JSON.stringify(annotations));
    const typo = annotations
      .filter((a) => a.title === "mapping-tls-context-not-found")
      .map((a) => [a.path, a.start_line, a.annotation_level]);
    assert.ok(typo.length > 0, JSON.stringify(annotations));
    // The line a person edits: the values key (a plain substitution), else the template line that writes `tls:`.
    for (const [path, line, level] of typo) {
      assert.equal(level, "failure");
      assert.ok(
        (path === "charts/edge/values-prod.yaml" && line === 1) ||
          (path === "charts/edge/templates/mapping.yaml" && line === 9),
        `${String(path)}:${String(line)}`,
      );
    }
    assert.ok(typo.some(([path]) => path === "charts/edge/values-prod.yaml"));
    // The default values environment is untouched: the typo is only in prod's.
    const summary = run.output.summary ?? "";
    assert.match(summary, /\| Environment \| Mapping \|/);
    assert.match(summary, /- Environment `charts\/edge`: 1 route/);
    assert.match(summary, /- Environment `charts\/edge:\S* 1 route/);
  });

  it("a repository without charts or kustomizations reads exactly as before: only its YAML is listed and read", async () => {
    const other = await startHarness({ repo: "acme/plain" });
    try {
      const files = {
        "edge/mapping.yaml":
          "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: a\n  namespace: default\nspec:\n  prefix: /a/\n  service: https://a:443\n  tls: missing\n",
        "README.md": "not read\n",
        "scripts/build.tpl": "not read either\n",
      };
      const base = other.repo.commit(files, { branch: "main" });
      const head = other.repo.commitChanges(base, {
        "edge/mapping.yaml": files["edge/mapping.yaml"].replace("/a/", "/b/"),
      });
      other.fake.reset();
      await other.deliver(
        "pull_request",
        pullRequestEvent(other.fake, other.repo, "opened", { number: 2, headSha: head, baseSha: base }),
      );
      const blobs = other.fake.apiCalls({ method: "GET", path: /\/git\/blobs\// });
      // One manifest, read once per commit (its blob changed): no README, no .tpl.
      assert.equal(blobs.length, 2);
    } finally {
      await other.close();
      await other.gate.close();
    }
  });

  it("with no helm found, the chart is a render-unavailable finding and its files are listed as not rendered", async () => {
    const other = await startHarness({ repo: "acme/no-helm", gate: { renderTools: {} } });
    try {
      const base = other.repo.commit(chart("upstream"), { branch: "main" });
      const head = other.repo.commitChanges(base, { "charts/edge/values-prod.yaml": "tlsContext: upstrem\n" });
      await other.deliver(
        "pull_request",
        pullRequestEvent(other.fake, other.repo, "opened", { number: 3, headSha: head, baseSha: base }),
      );
      const run = other.repo.checkRuns.find((r) => r.head_sha === head);
      assert.ok(run, "a check run");
      // The base had no helm either: the findings are pre-existing warnings (not annotated), listed in the full list.
      const text = run.output.text ?? "";
      const unavailable = text.split("\n").filter((line) => /render-unavailable/.test(line) && /^- /.test(line));
      assert.equal(unavailable.length, 2, text);
      assert.match(unavailable[0] ?? "", /charts\/edge\/Chart\.yaml:1\].*MTLS\\_GATE\\_HELM.*\(pre-existing\)$/);
      assert.match(unavailable[1] ?? "", /charts\/edge\/values-prod\.yaml:1\].*charts\/edge:prod.*\(pre-existing\)$/);
      // Never a silent pass: the title and the summary say that nothing was analysed, and which files and why.
      assert.match(run.output.title ?? "", /^No manifests found/);
      const summary = run.output.summary ?? "";
      assert.match(summary, /`charts\/edge\/templates\/mapping\.yaml` \(not-rendered\)/);
    } finally {
      await other.close();
      await other.gate.close();
    }
  });

  it("the trusted policy's render.enabled: false analyses the YAML as written and downloads no template helper", async () => {
    const other = await startHarness({ repo: "acme/no-render" });
    try {
      const files: Record<string, string> = {
        ...chart("upstream"),
        ".github/mtls-gate.yml": "render:\n  enabled: false\n",
      };
      const base = other.repo.commit(files, { branch: "main" });
      const head = other.repo.commitChanges(base, { "charts/edge/values-prod.yaml": "tlsContext: upstrem\n" });
      other.fake.reset();
      await other.deliver(
        "pull_request",
        pullRequestEvent(other.fake, other.repo, "opened", { number: 4, headSha: head, baseSha: base }),
      );
      const run = other.repo.checkRuns.find((r) => r.head_sha === head);
      assert.ok(run, "a check run");
      const annotations = annotationsOf(other.repo, run.id);
      assert.ok(!annotations.some((a) => /^render-/.test(String(a.title))), JSON.stringify(annotations));
      // helm never ran: the typo in values-prod.yaml reaches no Mapping, and no environment is named.
      assert.ok(!annotations.some((a) => a.title === "mapping-tls-context-not-found"), JSON.stringify(annotations));
      assert.doesNotMatch(run.output.summary ?? "", /Environment/);
      const helper = gitHash("blob", Buffer.from(files["charts/edge/templates/_helpers.tpl"] ?? ""));
      const blobs = other.fake.apiCalls({ method: "GET", path: /\/git\/blobs\// });
      assert.ok(blobs.length > 0, "the changed values file is read");
      assert.ok(!blobs.some((call) => call.path.endsWith(`/${helper}`)), "the .tpl helper is not downloaded");
    } finally {
      await other.close();
      await other.gate.close();
    }
  });

  it("renders by default with the tools the app's environment names, as the CLI finds them", async () => {
    const other = await startHarness({ repo: "acme/defaults", gate: { renderTools: undefined } });
    try {
      assert.deepEqual(other.gate.settings.render, { tools: locateTools(process.env) });
    } finally {
      await other.close();
      await other.gate.close();
    }
  });
});
