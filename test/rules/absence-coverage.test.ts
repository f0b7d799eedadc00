import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeTree } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { SourceFile } from "../../src/core/types.js";

const NOW = new Date("2026-06-01T00:00:00Z");

const mapping = (name: string, tls?: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: default}
spec:
  prefix: /${name}/
  service: https://${name}
${tls ? `  tls: ${tls}\n` : ""}`;

const files = (tree: Record<string, string>): SourceFile[] =>
  Object.entries(tree).map(([path, text]) => ({ path, text }));

const analyse = (sources: SourceFile[]) => analyzeTree(sources, { policy: loadPolicy(undefined).policy, now: NOW });

describe("rules that conclude absence step down when files were skipped", () => {
  const legacy = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: edge, namespace: default}
spec:
  hosts: [api.example.com]
  secret: edge-cert
`;
  const ruleFindings = (tree: Record<string, string>, ruleId: string) =>
    analyse(files(tree)).findings.filter((f) => f.ruleId === ruleId);

  it("legacy-termination-ignored: an error when everything was read, a notice 'in the analysed files' when a template was skipped", () => {
    const [full] = ruleFindings({ "tls.yaml": legacy }, "legacy-termination-ignored");
    assert.equal(full?.severity, "error");
    assert.match(full?.message ?? "", /but no Host exists: Emissary/);
    const [partial] = ruleFindings(
      { "tls.yaml": legacy, "chart/templates/host.yaml": "hostname: {{ .Values.host }}\n" },
      "legacy-termination-ignored",
    );
    assert.equal(partial?.severity, "notice");
    assert.match(
      partial?.message ?? "",
      /but no Host exists in the analysed files \(1 manifest file in scope could not be analysed and may hold it\)/,
    );
    // The same finding: stepping down changes its words and severity, not its identity.
    assert.equal(partial?.fingerprint, full?.fingerprint);
  });

  it("mapping-tls-context-not-found and tls-context-secret-not-found: notices when an encrypted file may hold the resource", () => {
    const tree = {
      "m.yaml": mapping("api", "missing-context"),
      "c.yaml":
        "apiVersion: getambassador.io/v3alpha1\nkind: TLSContext\nmetadata: {name: c, namespace: default}\nspec: {secret: gone}\n---\n" +
        mapping("web", "c"),
    };
    const encrypted = { ...tree, "secrets.yaml": "-----BEGIN PGP MESSAGE-----\nabc\n" };
    const about: Record<string, string> = {
      "mapping-tls-context-not-found": "Mapping/default/api",
      "tls-context-secret-not-found": "TLSContext/default/c",
    };
    for (const [ruleId, resource] of Object.entries(about)) {
      const full = ruleFindings(tree, ruleId).find((f) => f.resource === resource);
      const partial = ruleFindings(encrypted, ruleId).find((f) => f.resource === resource);
      assert.equal(full?.severity, "error", ruleId);
      assert.equal(partial?.severity, "notice", ruleId);
      assert.match(partial?.message ?? "", /in the analysed files/, ruleId);
      assert.doesNotMatch(full?.message ?? "", /in the analysed files/, ruleId);
    }
  });
});
