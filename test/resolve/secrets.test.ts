/**
 * SecretIndex lookups: "did you mean" namespaces are listed for a missing Secret only. A resolved reference kept the
 * sorted list of every namespace holding a Secret of its name (hundreds when every team names theirs alike).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { docs, secretYaml } from "../helpers/cert-fixtures.js";
import { analyzeFiles } from "../helpers/rule-tester.js";

/** A TLS Secret `client` in `namespace` (its bytes do not matter here, only that it exists). */
const clientIn = (namespace: string) => secretYaml("client", { "tls.crt": "eA==", "tls.key": "eQ==" }, namespace);

test("a found Secret lists no other namespaces; a missing one lists where its name exists", () => {
  const analysis = analyzeFiles({
    "secrets.yaml": docs(...["edge", "team-a", "team-b"].map(clientIn)),
  });
  const index = analysis.simulation.secrets;
  const found = index.lookup("client", "client", "edge", false, "client");
  assert.notEqual(found.status, "missing");
  assert.deepEqual(found.elsewhere, []);
  const missing = index.lookup("client", "client", "team-c", false, "client");
  assert.equal(missing.status, "missing");
  assert.deepEqual(missing.elsewhere, ["edge", "team-a", "team-b"]);
});

test("a name held in thousands of namespaces and named, missing, from thousands of contexts lists ten namespaces a reference", () => {
  // The hostile shape: every lookup used to copy and sort every namespace holding the name (and the index searched
  // a growing list before each push), so the work grew with the product of the two counts.
  const namespaces = Array.from({ length: 3000 }, (_, i) => `team-${String(i).padStart(4, "0")}`);
  const contexts = Array.from(
    { length: 3000 },
    (_, i) => `apiVersion: getambassador.io/v3alpha1\nkind: TLSContext\nmetadata:\n  name: c${i}\n  namespace: edge-${i}\nspec:\n  secret: client\n`,
  );
  const analysis = analyzeFiles({
    "secrets.yaml": docs(...namespaces.map(clientIn)),
    "contexts.yaml": docs(...contexts),
  });
  const missing = analysis.simulation.secrets.lookup("client", "client", "edge-0", false, "client");
  assert.equal(missing.status, "missing");
  assert.deepEqual(missing.elsewhere, namespaces.slice(0, 10));
  assert.equal(missing.elsewhereMore, 2990);
  const finding = analysis.findings.find((f) => f.ruleId === "tls-context-secret-not-found");
  assert.ok(finding, "each context's missing Secret is still reported");
  assert.match(finding.message, /exists in namespace team-0000, team-0001, .*team-0009 and 2990 more: write secret: client\.team-0000 to use it/);
});
