/**
 * SecretIndex lookups: "did you mean" namespaces are listed for a missing Secret only. A resolved reference kept the
 * sorted list of every namespace holding a Secret of its name (hundreds when every team names theirs alike).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles } from "../helpers/rule-tester.js";

const secret = (namespace: string, name: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n  tls.key: y\n`;

test("a found Secret lists no other namespaces; a missing one lists where its name exists", () => {
  const analysis = analyzeFiles({
    "secrets.yaml": ["edge", "team-a", "team-b"].map((ns) => secret(ns, "client")).join("---\n"),
  });
  const index = analysis.simulation.secrets;
  const found = index.lookup("client", "client", "edge", false, "client");
  assert.notEqual(found.status, "missing");
  assert.deepEqual(found.elsewhere, []);
  const missing = index.lookup("client", "client", "team-c", false, "client");
  assert.equal(missing.status, "missing");
  assert.deepEqual(missing.elsewhere, ["edge", "team-a", "team-b"]);
});
