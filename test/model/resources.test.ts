import assert from "node:assert/strict";
import { test } from "node:test";
import {
  documentLocation,
  resourceId,
  resourceLocation,
  secretKey,
  specFieldLocation,
} from "../../src/core/model/resources.js";
import { modelOf } from "../helpers/model.js";

test("resources: ids name kind, namespace and name; Secret keys namespace and name", () => {
  assert.equal(resourceId("TLSContext", "edge", "upstream"), "TLSContext/edge/upstream");
  assert.equal(secretKey("edge", "upstream-cert"), "edge/upstream-cert");
});

test("resources: locations point at the spec field, the document path, and the name of a CRD or an annotation document", () => {
  const model = modelOf({
    "crd.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: web
  namespace: apps
spec:
  prefix: /
  service: web:8080
`,
    "svc.yaml": `apiVersion: v1
kind: Service
metadata:
  name: quote
  namespace: apps
  annotations:
    getambassador.io/config: |
      apiVersion: getambassador.io/v2
      kind: Mapping
      name: quote
      prefix: /quote/
      service: quote
spec: {ports: [{port: 80}]}
`,
  });
  const crd = model.mappings.find((m) => m.name === "web")!;
  const annotated = model.mappings.find((m) => m.name === "quote")!;
  assert.deepEqual([specFieldLocation(crd, ["service"]).line, resourceLocation(crd).line], [8, 4]);
  assert.deepEqual(documentLocation(crd, ["kind"]).line, 2);
  assert.deepEqual(
    [annotated.style, specFieldLocation(annotated, ["service"]).line, resourceLocation(annotated).line],
    ["annotation", 12, 10],
  );
});
