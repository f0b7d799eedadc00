import assert from "node:assert/strict";
import { test } from "node:test";
import { compareApplyOrder, deduplicate } from "../../src/core/model/apply-order.js";
import { modelOf } from "../helpers/model.js";

test("apply order: kubectl apply -R walks entries sorted by name, a directory before the file that sorts after it", () => {
  const paths = ["b/a.yaml", "a.yaml", "a/z.yaml", "a/b/c.yaml", "A.yaml"];
  assert.deepEqual([...paths].sort(compareApplyOrder), ["A.yaml", "a/b/c.yaml", "a/z.yaml", "a.yaml", "b/a.yaml"]);
});

const mapping = (service: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: web, namespace: apps}
spec: {prefix: /, service: ${service}}
`;

test("apply order: of two definitions of one Mapping the later file wins, the other is reported replaced", () => {
  const model = modelOf({ "z/second.yaml": mapping("web-v2"), "a/first.yaml": mapping("web-v1") });
  assert.deepEqual(
    model.mappings.map((m) => [m.id, m.service, m.file]),
    [["Mapping/apps/web", "web-v2", "z/second.yaml"]],
  );
  assert.deepEqual(
    model.duplicates.map(({ winner, replaced }) => [winner.file, replaced.map((r) => r.file)]),
    [["z/second.yaml", ["a/first.yaml"]]],
  );
});

test("deduplicate: winners keep apply order; one definition is no duplicate", () => {
  const model = modelOf({ "1.yaml": mapping("one"), "2.yaml": mapping("two").replace("name: web", "name: api") });
  const resources = model.allAmbassadorResources;
  const reversed = [...resources].reverse();
  const { winners, duplicates } = deduplicate(reversed);
  assert.deepEqual(
    winners.map((r) => r.id),
    ["Mapping/apps/web", "Mapping/apps/api"],
  );
  assert.deepEqual(duplicates, []);
});
