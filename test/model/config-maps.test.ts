import assert from "node:assert/strict";
import { test } from "node:test";
import { configMapIndex } from "../../src/core/model/config-maps.js";

const PEM = "-----BEGIN CERTIFICATE-----\n    MIIB\n    -----END CERTIFICATE-----";

const bundle = (name: string, namespace: string | undefined, key: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}data:\n  settings.json: "{}"\n  ${key}: |\n    ${PEM}\n`;

test("config maps: looked up by namespace/name, with only the keys that hold PEM certificates, located in their file", () => {
  const index = configMapIndex(
    [
      { path: "a/bundle.yaml", text: bundle("ca-bundle", "payments", "ca.crt") },
      { path: "b/other.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unrelated\ndata:\n  a: b\n" },
    ],
    new Map(),
    "default",
  );
  const found = index.get("payments/ca-bundle");
  assert.deepEqual(found && [found.id, found.file, [...found.bundles.keys()]], [
    "ConfigMap/payments/ca-bundle",
    "a/bundle.yaml",
    ["ca.crt"],
  ]);
  assert.equal(found?.doc.locate(["data", "ca.crt"]).line, 8);
  assert.equal(index.get("default/ca-bundle"), undefined, "another namespace");
  assert.equal(index.get("payments/missing"), undefined);
  // A ConfigMap without certificates is found, with no bundles.
  assert.equal(index.get("default/unrelated")?.bundles.size, 0);
});

test("config maps: a kustomization's namespace applies, and the last definition in apply order wins", () => {
  const index = configMapIndex(
    [
      { path: "base/a.yaml", text: bundle("trust", undefined, "root-cert.pem") },
      { path: "base/b.yaml", text: bundle("trust", undefined, "ca-bundle.crt") },
    ],
    new Map([
      ["base/a.yaml", "edge"],
      ["base/b.yaml", "edge"],
    ]),
    "default",
  );
  assert.deepEqual([...(index.get("edge/trust")?.bundles.keys() ?? [])], ["ca-bundle.crt"]);
  assert.equal(index.get("edge/trust")?.file, "base/b.yaml");
  assert.equal(index.get("default/trust"), undefined);
});
