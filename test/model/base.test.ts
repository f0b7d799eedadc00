import assert from "node:assert/strict";
import { test } from "node:test";
import { makeBase, objectBase } from "../../src/core/model/base.js";
import { documentsOf } from "../helpers/model.js";

const doc = documentsOf(`apiVersion: getambassador.io/v3alpha1
kind: Host
metadata:
  name: edge
  namespace: web
  labels: {team: edge, replicas: 2, bad: {x: y}}
  annotations: {note: kept}
spec: {hostname: example.com}
`)[0]!;

test("base: a top-level object's base takes its labels and annotations from metadata and its id from kind/namespace/name", () => {
  const metadata = (doc.value as { metadata: Record<string, unknown> }).metadata;
  const base = objectBase(metadata, {
    kind: "Host",
    apiVersion: "getambassador.io/v3alpha1",
    name: "edge",
    namespace: "web",
    file: "host.yaml",
    order: 4,
    spec: { hostname: "example.com" },
    specPath: ["spec"],
    doc,
  });
  assert.deepEqual(
    [base.id, base.style, base.labels, base.annotations, base.order],
    ["Host/web/edge", "crd", { team: "edge", replicas: "2" }, { note: "kept" }, 4],
  );
});

test("base: makeBase keeps the style it is given (annotation documents) and derives the id", () => {
  const base = makeBase({
    kind: "Mapping",
    apiVersion: "getambassador.io/v2",
    name: "quote",
    namespace: "ambassador",
    file: "svc.yaml",
    order: 0,
    style: "annotation",
    labels: {},
    annotations: {},
    spec: {},
    specPath: [],
    doc,
  });
  assert.deepEqual([base.id, base.style], ["Mapping/ambassador/quote", "annotation"]);
});
