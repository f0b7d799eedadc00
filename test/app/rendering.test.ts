/**
 * Rendering through the real app and the fake GitHub (issue 15): a pull request that edits only a chart's values file
 * is checked on what `helm template` makes of it, with the annotations on the lines a person edits and the routes
 * grouped by environment. The real helm and kustomize come from test/render/tools.ts, handed to the Gate.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_RENDER_CACHE_BYTES, RenderCache } from "../../src/render/cache.js";
import type { RenderResult } from "../../src/render/render.js";
import { HELM_VARIABLE, KUSTOMIZE_VARIABLE, locateTools, type RenderTools } from "../../src/render/tools.js";
import { startFakeGitHub } from "../helpers/fake-github.js";
import { gitHash } from "../helpers/fake-github/git.js";
import { toolEnv } from "../render/tools.js";
import { annotationsOf, checkRunRerequestedEvent, pullRequestEvent, startHarness, type Harness } from "./harness.js";

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
      assert.deepEqual(other.gate.settings.render?.tools, locateTools(process.env));
      // One cache per process (the Gate's), of the default budget.
      assert.equal(other.gate.settings.render?.cache, other.gate.renderCache);
      assert.equal(other.gate.renderCache.maxBytes, DEFAULT_RENDER_CACHE_BYTES);
    } finally {
      await other.close();
      await other.gate.close();
    }
  });
});

/** A base shared by two overlays: the Mapping's `tls:` names the context; stage's overlay may patch it. */
function overlays(stageTls: string): Record<string, string> {
  return {
    "base/kustomization.yaml": "resources:\n  - mapping.yaml\n  - tlscontext.yaml\n",
    "base/mapping.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
  namespace: edge
spec:
  prefix: /billing/
  service: https://billing:443
  tls: upstream
`,
    "base/tlscontext.yaml": `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  hosts: []
`,
    "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    "overlays/stage/kustomization.yaml": `resources:
  - ../../base
patches:
  - path: tls.yaml
`,
    "overlays/stage/tls.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
  namespace: edge
spec:
  tls: ${stageTls}
`,
  };
}

/** An Argo CD Application of this repository's `path`, named `name` (a JSON string is valid YAML, escapes included). */
function application(name: string, path: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${JSON.stringify(name)}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.example/acme/hostile.git
    path: ${path}
  destination:
    namespace: edge
`;
}

/** The cells of a Markdown table row: split at pipes that no backslash escapes. */
function cells(row: string): number {
  return row.split(/(?<!\\)\|/).length - 2;
}

/** The backtick code spans of a line of Markdown, as CommonMark reads them (a run of n backticks closes at n). */
function codeSpans(line: string): string[] {
  const spans: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\\") {
      i += 2;
      continue;
    }
    if (line[i] !== "`") {
      i++;
      continue;
    }
    const run = /^`+/.exec(line.slice(i))?.[0] ?? "`";
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
    close.lastIndex = i + run.length;
    const end = close.exec(line);
    if (!end) {
      i += run.length;
      continue;
    }
    spans.push(line.slice(i + run.length, end.index));
    i = end.index + run.length;
  }
  return spans;
}

describe("environment names from the pull request", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ repo: "acme/hostile" });
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, []);
    await h.close();
    await h.gate.close();
  });

  it("are escaped in every check-run output: no link, HTML, table cell, code span or line of their own", async () => {
    const prod = "prod](https://evil.example/x) | <img src=x onerror=alert(1)> `tick` @acme/team #1";
    const stage = "stage\n# injected heading\n| forged | row |\n<!-- mtls-gate:marker -->";
    const broken = "broken`](javascript:alert(1))|x\n# injected heading";
    const base = h.repo.commit(overlays("upstream"), { branch: "main" });
    const head = h.repo.commitChanges(base, {
      "overlays/stage/tls.yaml": overlays("upstrem")["overlays/stage/tls.yaml"] ?? "",
      // A third overlay that does not build: its failure message names the environment.
      "overlays/broken/kustomization.yaml": "resources:\n  - ../../base\n  - missing.yaml\n",
      "argocd/apps.yaml": [
        application(prod, "overlays/prod"),
        application(stage, "overlays/stage"),
        application(broken, "overlays/broken"),
      ].join("---\n"),
    });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run, "a check run");
    assert.equal(run.conclusion, "failure");

    // What was sent, as sent: every request body that wrote the check run's output.
    const outputs = h.fake
      .apiCalls({ path: /\/check-runs/ })
      .filter((call) => call.method === "POST" || call.method === "PATCH")
      .map((call) => (call.body as { output?: Record<string, unknown> }).output)
      .filter((output): output is Record<string, unknown> => output !== undefined);
    assert.ok(outputs.length > 0);
    const markdown = outputs.flatMap((o) => [String(o.summary ?? ""), String(o.text ?? "")]).join("\n");
    // The names are there, escaped: the environments were really analysed and named.
    assert.match(markdown, /prod\\\]\(https:&#8203;\/\/evil\.example\/x\) \\\| &lt;img/);
    assert.match(markdown, /stage # injected heading \\\| forged \\\| row \\\| &lt;!-- mtls-gate:marker --&gt;/);
    assert.match(markdown, /broken\\`\\\]\(javascript:alert\(1\)\)\\\|x # injected heading: /);
    // Nothing they hold is live: no link to the attacker's URL, no tag, no comment marker, no heading or row of theirs.
    assert.doesNotMatch(markdown, /(?<!\\)\]\((https:\/\/evil|javascript:)/);
    assert.doesNotMatch(markdown, /<img|<!--/);
    assert.doesNotMatch(markdown, /@acme\/team|team #1/);
    assert.match(markdown, /@&#8203;acme\/team #&#8203;1/);
    assert.doesNotMatch(markdown, /^#+ injected|^\| forged/m);
    // Every table row keeps its table's cells.
    for (const block of markdown.split(/\n(?!\|)/)) {
      const rows = block.split("\n").filter((line) => line.startsWith("|"));
      const [header, ...rest] = rows;
      if (!header) continue;
      for (const row of rest) assert.equal(cells(row), cells(header), row);
    }
    // No escaped text inside a backtick code span, where Markdown shows backslashes and entities as written and a
    // backtick of the name would end the span: a name in code font is either plain or `<code>` with escaped text.
    for (const line of markdown.split("\n"))
      for (const span of codeSpans(line)) assert.doesNotMatch(span, /\\|&[#a-z0-9]+;/, line);

    // Titles: one line, no markup characters from a name.
    for (const o of outputs) assert.doesNotMatch(String(o.title ?? ""), /[\n<>`|]|evil|injected/);
    // Annotations are plain text: a name stays on its message's line, whatever it holds.
    const annotations = outputs.flatMap((o) => (o.annotations as Record<string, unknown>[] | undefined) ?? []);
    const failed = annotations.find((a) => a.title === "render-failed");
    assert.ok(failed, JSON.stringify(annotations));
    assert.match(String(failed.message), /environment broken`\]\(javascript:alert\(1\)\)\|x # injected heading: /);
    for (const a of annotations) {
      assert.match(String(a.title), /^[a-z0-9-]+$/);
      for (const line of String(a.message).split("\n")) assert.doesNotMatch(line, /^(# injected|\| forged|<!--)/);
    }
  });
});

describe("findings grouped by environment", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ repo: "acme/envs" });
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, []);
    await h.close();
    await h.gate.close();
  });

  it("a finding in several environments is one entry listing them; each environment's count is shown", async () => {
    const files = overlays("upstream");
    delete files["overlays/stage/tls.yaml"];
    files["overlays/stage/kustomization.yaml"] = "resources:\n  - ../../base\n";
    files["overlays/qa/kustomization.yaml"] = "resources:\n  - ../../base\n";
    const base = h.repo.commit(files, { branch: "main" });
    const component = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: tls.yaml\n";
    const head = h.repo.commitChanges(base, {
      // One component, used by two of the three overlays: its typo is one finding in both.
      "components/typo/kustomization.yaml": component,
      "components/typo/tls.yaml": overlays("upstrem")["overlays/stage/tls.yaml"] ?? "",
      "overlays/stage/kustomization.yaml": "resources:\n  - ../../base\ncomponents:\n  - ../../components/typo\n",
      "overlays/qa/kustomization.yaml": "resources:\n  - ../../base\ncomponents:\n  - ../../components/typo\n",
      // A second Mapping in the base: its missing context is one finding in all three.
      "base/kustomization.yaml": "resources:\n  - mapping.yaml\n  - tlscontext.yaml\n  - reports.yaml\n",
      "base/reports.yaml": (files["base/mapping.yaml"] ?? "")
        .replace("name: billing", "name: reports")
        .replace("/billing/", "/reports/")
        .replace("tls: upstream", "tls: reports-context"),
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run, "a check run");
    assert.equal(run.conclusion, "failure");
    const summary = run.output.summary ?? "";
    // Each environment's share of the introduced findings (the missing context's downgrade notices included).
    assert.match(
      summary,
      /\n- Environment `overlays\/prod`: 1 error, 1 notice\n- Environment `overlays\/qa`: 2 errors, 2 notices\n- Environment `overlays\/stage`: 2 errors, 2 notices\n/,
    );
    assert.match(summary, /\n\| Environments \| Severity \| Rule \| Location \| Resource \| Message \|\n/);
    const rows = summary.split("\n").filter((line) => /^\| .*mapping-tls-context-not-found/.test(line));
    // One row per finding: the base's in every environment first, then the component's, listing its two.
    assert.equal(rows.length, 2, rows.join("\n"));
    assert.match(rows[0] ?? "", /^\| all 3 \| \*\*error\*\* · blocking \| .*\[base\/reports\.yaml:9\]/);
    assert.match(
      rows[1] ?? "",
      /^\| `overlays\/qa`, `overlays\/stage` \| \*\*error\*\* · blocking \| .*\[components\/typo\/tls\.yaml:7\]/,
    );
    const text = (run.output.text ?? "").split("\n").filter((line) => /components\/typo\/tls\.yaml:7/.test(line));
    assert.equal(text.filter((line) => /mapping-tls-context-not-found/.test(line)).length, 1);
    assert.match(text[0] ?? "", / · in `overlays\/qa`, `overlays\/stage` · /);
    // The annotations say it in plain text: one annotation for the component's typo, naming both environments.
    const annotations = annotationsOf(h.repo, run.id);
    const typo = annotations.filter((a) => a.path === "components/typo/tls.yaml");
    assert.equal(typo.length, 1, JSON.stringify(annotations));
    assert.equal(typo[0]?.start_line, 7);
    assert.match(String(typo[0]?.message), /\n\nIn 2 environments of 3: overlays\/qa, overlays\/stage\.$/);
    const reports = annotations.find((a) => a.path === "base/reports.yaml");
    assert.match(String(reports?.message), /\n\nIn all 3 environments\.\n\nConsequences on this route:\n/);
  });
});

/**
 * helm and kubectl behind wrappers that count their runs (one line each in `count`) before running the real tools,
 * so a test sees how many renders a check started, through the app's own tool settings.
 */
function countingTools(): { tools: RenderTools; renders: () => number } {
  const real = toolEnv();
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-counting-tools-"));
  const count = join(dir, "count");
  writeFileSync(count, "");
  const wrapper = (name: string, target: string) => {
    const path = join(dir, name);
    // The child environment is an allowlist without PATH: the wrapper names everything by absolute path.
    writeFileSync(path, `#!/bin/sh\necho ${name} >> '${count}'\nexec '${target}' "$@"\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const tools = locateTools({
    [KUSTOMIZE_VARIABLE]: wrapper("kubectl", real[KUSTOMIZE_VARIABLE] ?? ""),
    [HELM_VARIABLE]: wrapper("helm", real[HELM_VARIABLE] ?? ""),
  });
  assert.ok(tools.kustomize && tools.helm);
  return { tools, renders: () => readFileSync(count, "utf8").split("\n").filter(Boolean).length };
}

describe("the render cache across checks", () => {
  it("a second check of the same commit runs no tool; another repository with the same files renders its own", async () => {
    const { tools, renders } = countingTools();
    const cache = new RenderCache<RenderResult>();
    const fake = await startFakeGitHub();
    fake.createRepo("acme/one", { defaultBranch: "main", installationId: 1 });
    fake.createRepo("acme/two", { defaultBranch: "main", installationId: 1 });
    const one = await startHarness({ fake, repo: "acme/one", gate: { renderTools: tools, renderCache: cache } });
    try {
      const base = one.repo.commit(overlays("upstream"), { branch: "main" });
      const head = one.repo.commitChanges(base, {
        "overlays/stage/tls.yaml": overlays("upstrem")["overlays/stage/tls.yaml"] ?? "",
      });
      one.repo.addPullRequest({ number: 1, headSha: head });
      await one.deliver(
        "pull_request",
        pullRequestEvent(one.fake, one.repo, "opened", { number: 1, headSha: head, baseSha: base }),
      );
      const first = one.repo.checkRuns.find((r) => r.head_sha === head);
      assert.equal(first?.conclusion, "failure");
      // prod is the same in base and head: rendered once for both; stage twice (its patch changed).
      assert.equal(renders(), 3);

      // The Re-run button: the same head and base, checked again by this process.
      assert.ok(first);
      await one.deliver(
        "check_run",
        checkRunRerequestedEvent(one.fake, one.repo, {
          id: first.id,
          headSha: head,
          externalId: first.external_id ?? null,
          pullNumbers: [1],
        }),
      );
      const runs = one.repo.checkRuns.filter((r) => r.head_sha === head);
      assert.equal(runs.length, 2, "a second run");
      assert.equal(runs[1]?.conclusion, "failure");
      assert.deepEqual(annotationsOf(one.repo, runs[1]?.id ?? 0), annotationsOf(one.repo, first.id));
      assert.equal(renders(), 3, "no tool ran for the second check");
      assert.ok(cache.stats().hits >= 4, JSON.stringify(cache.stats()));

      // The same files in another repository: its checks never read the first one's renders.
      const two = await startHarness({ fake, repo: "acme/two", gate: { renderTools: tools, renderCache: cache } });
      try {
        const otherBase = two.repo.commit(overlays("upstream"), { branch: "main" });
        const otherHead = two.repo.commitChanges(otherBase, {
          "overlays/stage/tls.yaml": overlays("upstrem")["overlays/stage/tls.yaml"] ?? "",
        });
        await two.deliver(
          "pull_request",
          pullRequestEvent(two.fake, two.repo, "opened", { number: 1, headSha: otherHead, baseSha: otherBase }),
        );
        assert.equal(two.repo.checkRuns.find((r) => r.head_sha === otherHead)?.conclusion, "failure");
        assert.equal(renders(), 6);
      } finally {
        await two.close();
        await two.gate.close();
      }
    } finally {
      await one.close();
      await one.gate.close();
      await fake.close();
    }
  });

  it("keeps within its byte budget: a render larger than the budget is not kept, so nothing is shared", async () => {
    const { tools, renders } = countingTools();
    const h = await startHarness({
      repo: "acme/small",
      gate: { renderTools: tools, renderCache: new RenderCache<RenderResult>(64) },
    });
    try {
      const base = h.repo.commit(overlays("upstream"), { branch: "main" });
      const head = h.repo.commitChanges(base, {
        "overlays/stage/tls.yaml": overlays("upstrem")["overlays/stage/tls.yaml"] ?? "",
      });
      await h.deliver(
        "pull_request",
        pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: head, baseSha: base }),
      );
      // Nothing fits in 64 bytes: base and head render every environment, prod included.
      assert.equal(renders(), 4);
      assert.equal(h.gate.renderCache.stats().entries, 0);
    } finally {
      await h.close();
      await h.gate.close();
    }
  });
});

/**
 * kubectl behind a wrapper that blocks, until its process group is killed, when asked to render `overlays/stage` (a
 * render that can never finish, as `kubectl kustomize` of a huge root kustomization), and runs the real one otherwise.
 */
function stageBlockingTools(): RenderTools {
  const real = toolEnv();
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-blocking-tools-"));
  const path = join(dir, "kubectl");
  writeFileSync(
    path,
    `#!/bin/sh\ncase "$*" in\n  *overlays/stage*) exec /bin/sleep 2147483647 ;;\nesac\nexec '${real[KUSTOMIZE_VARIABLE] ?? ""}' "$@"\n`,
  );
  chmodSync(path, 0o755);
  const tools = locateTools({ [KUSTOMIZE_VARIABLE]: path, [HELM_VARIABLE]: real[HELM_VARIABLE] ?? "" });
  assert.ok(tools.kustomize);
  return tools;
}

describe("a render that cannot finish", () => {
  it("ends at the check's render budget as render-failed on its kustomization; the rest is analysed and the check concludes", async () => {
    // The analysis limit stays 60 s; the budget is what a deployment sets with MTLS_GATE_RENDER_BUDGET_MS.
    const h = await startHarness({ repo: "acme/slow", gate: { renderTools: stageBlockingTools(), renderBudgetMs: 3000 } });
    try {
      const plain = (context: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: reports
  namespace: edge
spec:
  prefix: /reports/
  service: https://reports:443
  tls: ${context}
`;
      const base = h.repo.commit({ ...overlays("upstream"), "apps/reports.yaml": plain("upstream") }, { branch: "main" });
      const head = h.repo.commitChanges(base, {
        "overlays/stage/tls.yaml": overlays("upstrem")["overlays/stage/tls.yaml"] ?? "",
        "apps/reports.yaml": plain("upstreem"),
      });
      const started = Date.now();
      await h.deliver("pull_request", pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: head, baseSha: base }));
      const elapsed = Date.now() - started;
      const run = h.repo.checkRuns.find((r) => r.head_sha === head);
      assert.equal(run?.status, "completed");
      assert.equal(run?.conclusion, "failure");
      assert.doesNotMatch(String(run?.output.title), /exceeded/i, "concluded, not timed out");
      const annotations = annotationsOf(h.repo, run?.id ?? 0);
      const failed = annotations.filter((a) => a.title === "render-failed");
      assert.deepEqual(
        failed.map((a) => [a.path, a.start_line]),
        [["overlays/stage/kustomization.yaml", 1]],
        JSON.stringify(annotations),
      );
      assert.match(String(failed[0]?.message), /time budget \(3 s\)/);
      // The plain YAML beside the overlays is still analysed: its misspelt context is reported on its line.
      const typo = annotations.find((a) => a.title === "mapping-tls-context-not-found" && a.path === "apps/reports.yaml");
      assert.equal(typo?.start_line, 9, JSON.stringify(annotations));
      // The blocked render was ended by the budget, not by its own 30 s limit or the check's 60 s one.
      assert.ok(elapsed < 30_000, `${elapsed} ms`);
    } finally {
      await h.close();
      await h.gate.close();
    }
  });
});
