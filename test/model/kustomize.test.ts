import assert from "node:assert/strict";
import { test } from "node:test";
import {
  dirname,
  isKustomizationFile,
  joinPath,
  kustomizeNamespaces,
  readKustomization,
} from "../../src/core/model/kustomize.js";
import { documentsOf, modelOf } from "../helpers/model.js";

test("kustomize: which files are kustomizations, and how references join onto their directory", () => {
  assert.deepEqual(
    [
      "kustomization.yaml",
      "a/kustomization.yml",
      "a/Kustomization",
      "a/kustomization.yaml.bak",
      "mykustomization.yaml",
    ].map(isKustomizationFile),
    [true, true, true, false, false],
  );
  assert.equal(dirname("overlays/prod/kustomization.yaml"), "overlays/prod");
  assert.equal(dirname("kustomization.yaml"), "");
  assert.equal(joinPath("overlays/prod", "../../base/./mapping.yaml"), "base/mapping.yaml");
  assert.equal(joinPath("", "mapping.yaml"), "mapping.yaml");
});

test("kustomize: resources and bases are read; the namespace of an outer kustomization reaches what an inner one lists", () => {
  const outer = readKustomization(
    "overlays/prod/kustomization.yaml",
    documentsOf("namespace: prod\nresources: [../../base]\n")[0]!,
  )!;
  const inner = readKustomization("base/kustomization.yaml", documentsOf("bases: [mapping.yaml]\n")[0]!)!;
  assert.deepEqual([outer.dir, outer.namespace, outer.resources], ["overlays/prod", "prod", ["../../base"]]);
  assert.deepEqual([inner.namespace, inner.resources], [undefined, ["mapping.yaml"]]);
  const namespaces = kustomizeNamespaces([outer, inner], new Set(["base/mapping.yaml", "other.yaml"]));
  assert.deepEqual([...namespaces], [["base/mapping.yaml", "prod"]]);
});

test("kustomize: a listed file's resources take the kustomization's namespace over their own; unlisted files keep theirs", () => {
  const mapping = (name: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: written}
spec: {prefix: /${name}/, service: ${name}}
`;
  const model = modelOf({
    "app/kustomization.yaml": "namespace: team-a\nresources: [listed.yaml]\n",
    "app/listed.yaml": mapping("listed"),
    "app/unlisted.yaml": mapping("unlisted"),
  });
  assert.deepEqual(
    model.mappings.map((m) => m.id),
    ["Mapping/team-a/listed", "Mapping/written/unlisted"],
  );
  assert.equal(model.kustomizations.length, 1);
});
