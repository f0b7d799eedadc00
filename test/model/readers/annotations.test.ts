import assert from "node:assert/strict";
import { test } from "node:test";
import { CONFIG_ANNOTATION } from "../../../src/core/model/readers/annotations.js";
import { specFieldLocation } from "../../../src/core/model/resources.js";
import { modelOf } from "../../helpers/model.js";

const service = `apiVersion: v1
kind: Service
metadata:
  name: quote
  namespace: apps
  labels: {team: quote}
  annotations:
    getambassador.io/config: |
      apiVersion: ambassador/v1
      kind: Mapping
      name: quote
      prefix: /quote/
      service: quote:80
      metadata_labels: {route: public}
      ---
      apiVersion: getambassador.io/v2
      kind: TLSContext
      name: quote-ctx
      namespace: shared
      secret: quote-cert
      ambassador_id: [default]
      ---
      apiVersion: getambassador.io/v0
      kind: Mapping
      name: ancient
      prefix: /ancient/
      service: ancient
      ---
      apiVersion: getambassador.io/v2
      kind: AuthService
      name: auth
spec: {selector: {app: quote}, ports: [{port: 80}]}
`;

test("annotations: each document of a Service's config annotation becomes a resource, at its own lines", () => {
  assert.equal(CONFIG_ANNOTATION, "getambassador.io/config");
  const model = modelOf({ "svc.yaml": service });
  const [mapping] = model.mappings;
  // `ambassador/` is rewritten to `getambassador.io/`; labels are the Service's with metadata_labels over them.
  assert.deepEqual(
    [mapping?.id, mapping?.style, mapping?.apiVersion, mapping?.service, mapping?.labels],
    ["Mapping/apps/quote", "annotation", "getambassador.io/v1", "quote:80", { team: "quote", route: "public" }],
  );
  assert.equal(specFieldLocation(mapping!, ["service"]).line, 13);
  assert.equal("metadata_labels" in mapping!.spec, false);
  const [context] = model.tlsContexts;
  // `namespace:` in the document moves the resource; `ambassador_id` is a spec field like any other.
  assert.deepEqual(
    [context?.id, context?.definition.secret, context?.ambassadorId],
    ["TLSContext/shared/quote-ctx", "quote-cert", ["default"]],
  );
  assert.equal(specFieldLocation(context!, ["secret"]).line, 20);
  const carrier = model.services.get("apps/quote");
  assert.deepEqual(
    [carrier?.hasConfig, carrier?.configResources.map((r) => r.id)],
    [true, ["Mapping/apps/quote", "TLSContext/shared/quote-ctx"]],
  );
});

test("annotations: a v0 document is refused with a diagnostic at its own line; kinds not simulated are skipped", () => {
  const model = modelOf({ "svc.yaml": service });
  assert.deepEqual(
    model.diagnostics.map((d) => [d.kind, d.resource, d.location.line]),
    [["unsupported-api-version", "Mapping/apps/ancient", 23]],
  );
  assert.equal(
    model.allAmbassadorResources.some((r) => r.kind === "AuthService"),
    false,
  );
});

test("annotations: a replaced definition of the Service takes its annotation's resources with it", () => {
  const model = modelOf({
    "a.yaml": service,
    "b.yaml": `apiVersion: v1
kind: Service
metadata: {name: quote, namespace: apps}
spec: {ports: [{port: 80}]}
`,
  });
  assert.deepEqual(model.mappings, []);
  assert.deepEqual(
    model.duplicates.map(({ winner, replaced }) => [winner.id, winner.file, replaced.map((r) => r.file)]),
    [["Service/apps/quote", "b.yaml", ["a.yaml"]]],
  );
});
