import assert from "node:assert/strict";
import { test } from "node:test";
import { POD_TEMPLATE_PATHS } from "../../../src/core/model/readers/core.js";
import { modelOf } from "../../helpers/model.js";

test("core reader: a Secret's keys from data and stringData (stringData wins), its type, and SOPS encryption", () => {
  const model = modelOf({
    "secrets.yaml": `apiVersion: v1
kind: Secret
metadata: {name: upstream, namespace: edge}
type: kubernetes.io/tls
data: {tls.crt: AAAA, ca.crt: BBBB}
stringData: {ca.crt: plain}
---
apiVersion: v1
kind: Secret
metadata: {name: sealed-by-sops, namespace: edge}
data: {tls.key: "ENC[AES256_GCM,data:xx,type:str]"}
`,
  });
  const upstream = model.secrets.get("edge/upstream");
  assert.deepEqual(
    [
      upstream?.type,
      upstream?.encrypted,
      [...(upstream?.values.keys() ?? [])],
      upstream?.values.get("ca.crt")?.encoding,
    ],
    ["kubernetes.io/tls", false, ["tls.crt", "ca.crt"], "plain"],
  );
  assert.equal(model.secrets.get("edge/sealed-by-sops")?.encrypted, true);
  // An encrypted Secret exists, but its bytes cannot be read: it is also a `sops` provider.
  assert.deepEqual(
    model.providers.get("edge/sealed-by-sops")?.map((p) => [p.kind, p.keys]),
    [["sops", ["tls.key"]]],
  );
});

test("core reader: a Service's selector and ports (named or not); a port without a number is left out", () => {
  const model = modelOf({
    "svc.yaml": `apiVersion: v1
kind: Service
metadata: {name: api, namespace: apps}
spec:
  selector: {app: api}
  ports:
    - {name: https, port: 443}
    - {port: "8080"}
    - {name: broken}
`,
  });
  const api = model.services.get("apps/api");
  assert.deepEqual(
    [api?.kind, api?.selector, api?.hasConfig, api?.ports.map((p) => [p.name, p.port, p.path])],
    [
      "Service",
      { app: "api" },
      false,
      [
        ["https", 443, ["spec", "ports", 0]],
        [undefined, 8080, ["spec", "ports", 1]],
      ],
    ],
  );
});

test("core reader: workloads give their pods' labels, mounted Secrets (plain and projected) and containers", () => {
  assert.deepEqual(POD_TEMPLATE_PATHS.CronJob, ["spec", "jobTemplate", "spec", "template"]);
  const model = modelOf({
    "w.yaml": `apiVersion: batch/v1
kind: CronJob
metadata: {name: rotate, namespace: ops}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: rotate}}
        spec:
          containers:
            - name: job
              image: busybox:1
              command: [sh]
              args: [-c, rotate]
              env:
                - {name: MODE, value: fast}
                - name: NS
                  valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
          volumes:
            - {name: a, secret: {secretName: client-cert}}
            - name: b
              projected: {sources: [{secret: {name: ca-bundle}}]}
---
apiVersion: example.com/v1
kind: Rollout
metadata: {name: not-argo, namespace: ops}
spec: {template: {metadata: {labels: {app: x}}}}
`,
  });
  assert.deepEqual(
    model.workloads.map((w) => w.id),
    ["CronJob/ops/rotate"],
  );
  const [job] = model.workloads;
  assert.deepEqual(job?.podLabels, { app: "rotate" });
  assert.deepEqual(
    job?.mountedSecrets.map((m) => [m.secretName, m.path.at(-1)]),
    [
      ["client-cert", "secretName"],
      ["ca-bundle", "name"],
    ],
  );
  const [container] = job?.containers ?? [];
  assert.deepEqual(
    [container?.name, container?.image, container?.command, container?.env.map((e) => [e.name, e.value, e.fieldPath])],
    [
      "job",
      "busybox:1",
      ["sh", "-c", "rotate"],
      [
        ["MODE", "fast", undefined],
        ["NS", undefined, "metadata.namespace"],
      ],
    ],
  );
});
