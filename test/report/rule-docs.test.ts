/**
 * Docs that resolve (issue 17): the CLI's SARIF carries every rule's helpUri and full page, its text output lists the
 * docs link of each rule it printed just above the verdict line, and the app's links go to its public URL's
 * `/docs/rules/<id>` (the repository at the installed version without one). The page renderer escapes what the
 * Markdown holds.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ruleDocsUrlFor } from "../../src/app/links.js";
import { main } from "../../src/cli/main.js";
import { RULES } from "../../src/core/rules/index.js";
import { publicBaseUrl, repositoryWebUrl } from "../../src/report/rule-docs.js";
import { renderRulePage } from "../../src/report/rule-page.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const EXAMPLE = join(ROOT, "examples/gitops");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  repository: { url: string };
};
const REPOSITORY = "https://github.com/mtls-gate/mtls-gate";
const repoDocs = (id: string) => `${REPOSITORY}/blob/v${PACKAGE.version}/docs/rules/${id}.md`;

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: () => undefined, isTty: false });
  return { code, stdout };
}

test("package.json names the project's repository and a version: the CLI and the Action link there", () => {
  assert.equal(repositoryWebUrl(PACKAGE.repository), REPOSITORY);
  assert.match(PACKAGE.version, /^\d+\.\d+\.\d+/);
});

test("SARIF: every rule has helpUri (the repository at the installed version) and its whole page as help.markdown", async () => {
  const { stdout } = await cli(["analyze", EXAMPLE, "--format", "sarif"]);
  const log = JSON.parse(stdout) as {
    runs: {
      tool: { driver: { rules: { id: string; helpUri?: string; help: { text: string; markdown?: string } }[] } };
    }[];
  };
  const rules = log.runs[0]?.tool.driver.rules ?? [];
  assert.deepEqual(
    rules.map((r) => r.id),
    RULES.map((r) => r.meta.id),
    "every registered rule, not only those that fired",
  );
  for (const rule of rules) {
    assert.equal(rule.helpUri, repoDocs(rule.id), rule.id);
    const markdown = rule.help.markdown ?? "";
    assert.ok(markdown.startsWith(`# ${rule.id}\n`), `${rule.id}: help.markdown is its page`);
    assert.match(markdown, /^## What Emissary does$/m, `${rule.id}: with "What Emissary does"`);
    assert.doesNotMatch(markdown, /\]\((?:\.\/)?[a-z0-9-]+\.md[)#]/, `${rule.id}: sibling links are absolute`);
    assert.ok(rule.help.text.endsWith(`Documentation: ${repoDocs(rule.id)}`), rule.id);
  }
  const downgrade = rules.find((r) => r.id === "mtls-downgrade");
  assert.ok(
    downgrade?.help.markdown?.includes(`](${repoDocs("suppression-pending")})`),
    "a sibling rule link points at its page",
  );
});

test("text: the docs link of each rule printed, in order of appearance, just above the verdict, which stays last", async () => {
  const { code, stdout } = await cli(["analyze", EXAMPLE]);
  assert.equal(code, 1);
  const lines = stdout.trimEnd().split("\n");
  assert.match(lines.at(-1) ?? "", /^FAIL: /, "the verdict is the last line");
  const printed = [...new Set([...stdout.matchAll(/ \[([a-z0-9-]+)\]/g)].map((m) => m[1] as string))];
  assert.ok(printed.length > 0);
  const heading = lines.indexOf("Rule docs");
  assert.ok(heading > 0, "a Rule docs section");
  // The CLI names the policy it applied on the line just above the verdict (test/cli/habits.test.ts).
  assert.match(lines.at(-2) ?? "", /^Policy: /);
  const listed = lines.slice(heading + 1, -3);
  assert.equal(lines.at(-3), "", "a blank line between the docs and the policy and verdict");
  assert.deepEqual(
    listed.map((line) => line.trim().split(/ +/)),
    printed.map((id) => [id, repoDocs(id)]),
  );
});

test("text: no findings, no Rule docs section", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-docs-clean-"));
  try {
    writeFileSync(
      join(dir, "ok.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\ndata: {a: b}\n",
    );
    const { code, stdout } = await cli(["analyze", dir]);
    assert.equal(code, 0);
    assert.doesNotMatch(stdout, /Rule docs/);
    assert.match(stdout.trimEnd().split("\n").at(-1) ?? "", /^PASS: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("app links: MTLS_GATE_PUBLIC_URL + /docs/rules/<id>; the repository at the version without it or when it is not a URL", () => {
  assert.equal(
    ruleDocsUrlFor({ MTLS_GATE_PUBLIC_URL: "https://gate.example.com/mtls/" })("cert-expired"),
    "https://gate.example.com/mtls/docs/rules/cert-expired",
  );
  assert.equal(
    ruleDocsUrlFor({ MTLS_GATE_PUBLIC_URL: "http://127.0.0.1:3000" })("weak-key"),
    "http://127.0.0.1:3000/docs/rules/weak-key",
  );
  assert.equal(ruleDocsUrlFor({})("weak-key"), repoDocs("weak-key"));
  for (const bad of [
    "gate.example.com",
    "javascript:alert(1)",
    "https://u:p@gate.example.com",
    "https://gate.example.com/?q=1",
    "ftp://x/",
  ]) {
    assert.equal(publicBaseUrl(bad), null, bad);
    assert.equal(ruleDocsUrlFor({ MTLS_GATE_PUBLIC_URL: bad })("weak-key"), repoDocs("weak-key"), bad);
  }
});

test("rule pages: raw HTML and script links in the Markdown are inert; sibling and README links are the served ones", () => {
  const html = renderRulePage(
    { id: "weak-key", severity: "error", description: "d" },
    [
      "# weak-key",
      "",
      '<script>alert(1)</script> <img src=x onerror="alert(2)">',
      "",
      "[click](javascript:alert(3)) [sibling](cert-expired.md#how-to-fix) [unknown](no-such-rule.md) [index](README.md)",
      "[policy](../../README.md#policy)",
    ].join("\n"),
    { ruleIds: new Set(["weak-key", "cert-expired"]), repositoryDocsFolder: `${REPOSITORY}/blob/v1.2.3/docs/rules/` },
  );
  assert.doesNotMatch(html, /<script|<img|href="javascript:/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /<a href="cert-expired#how-to-fix">sibling<\/a>/);
  assert.match(html, /<a href="\.\.\/rules">index<\/a>/);
  assert.match(html, new RegExp(`<a href="${REPOSITORY}/blob/v1\\.2\\.3/docs/rules/no-such-rule\\.md">unknown</a>`));
  assert.match(html, new RegExp(`<a href="${REPOSITORY}/blob/v1\\.2\\.3/README\\.md#policy">policy</a>`));
});
