/**
 * deploy/kubernetes/monitoring: the metrics Service is checked against its Kubernetes schema (kubernetes-models); the
 * ServiceMonitor and PrometheusRule, which kubernetes-models does not cover, against the fields of the Prometheus
 * Operator's monitoring.coreos.com/v1 CRDs they use (unknown fields rejected, so a typo fails). Then what the
 * monitoring relies on: the Service selects every mtls-gate pod (web and worker) on their HTTP port, the ServiceMonitor
 * scrapes it at /metrics with the token the pods read, and the expiry alert fires 14 days ahead on the app's metric.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Ajv } from "ajv";
import { parseAllDocuments } from "yaml";
import { Service, type IService } from "kubernetes-models/v1";
import type { IDeployment } from "kubernetes-models/apps/v1";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const APP_DIR = join(ROOT, "deploy", "kubernetes");
const DIR = join(APP_DIR, "monitoring");

type Doc = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata?: { name?: string } };

function documents(dir: string, file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(dir, file), "utf8"))
    .map((d) => {
      assert.deepEqual(d.errors, [], `${file}: YAML errors`);
      return d.toJS() as Doc | null;
    })
    .filter((d): d is Doc => d !== null);
}

const strict = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  additionalProperties: false,
  properties,
  required,
});
const labels = { type: "object", additionalProperties: { type: "string" } };
const metadata = strict({ name: { type: "string", minLength: 1 }, namespace: { type: "string" }, labels }, ["name"]);
const secretKey = strict(
  { name: { type: "string", minLength: 1 }, key: { type: "string", minLength: 1 }, optional: { type: "boolean" } },
  ["name", "key"],
);
const duration = {
  type: "string",
  pattern: "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
};

/** The monitoring.coreos.com/v1 fields these manifests use, as the Operator's CRDs define them. */
const SCHEMAS: Record<string, object> = {
  "monitoring.coreos.com/v1/ServiceMonitor": strict(
    {
      apiVersion: { const: "monitoring.coreos.com/v1" },
      kind: { const: "ServiceMonitor" },
      metadata,
      spec: strict(
        {
          selector: strict({ matchLabels: labels }),
          endpoints: {
            type: "array",
            minItems: 1,
            items: strict({
              port: { type: "string" },
              path: { type: "string" },
              interval: duration,
              scheme: { enum: ["http", "https"] },
              authorization: strict({ type: { type: "string" }, credentials: secretKey }),
            }),
          },
        },
        ["selector", "endpoints"],
      ),
    },
    ["apiVersion", "kind", "metadata", "spec"],
  ),
  "monitoring.coreos.com/v1/PrometheusRule": strict(
    {
      apiVersion: { const: "monitoring.coreos.com/v1" },
      kind: { const: "PrometheusRule" },
      metadata,
      spec: strict(
        {
          groups: {
            type: "array",
            items: strict(
              {
                name: { type: "string", minLength: 1 },
                interval: duration,
                rules: {
                  type: "array",
                  items: strict(
                    {
                      alert: { type: "string", pattern: "^[a-zA-Z_][a-zA-Z0-9_]*$" },
                      record: { type: "string" },
                      expr: { type: "string", minLength: 1 },
                      for: duration,
                      labels,
                      annotations: labels,
                    },
                    ["expr"],
                  ),
                },
              },
              ["name", "rules"],
            ),
          },
        },
        ["groups"],
      ),
    },
    ["apiVersion", "kind", "metadata", "spec"],
  ),
};

const ajv = new Ajv({ allErrors: true });

function validate(doc: Doc, file: string): void {
  const key = `${doc.apiVersion}/${doc.kind}`;
  if (key === "v1/Service") {
    new Service(structuredClone(doc) as never).validate();
    return;
  }
  const schema = SCHEMAS[key];
  assert.ok(schema, `${file}: unknown apiVersion/kind ${key}`);
  const check = ajv.compile(schema);
  assert.ok(check(doc), `${file}: ${key} fails its schema: ${ajv.errorsText(check.errors)}`);
}

function manifests(): { file: string; doc: Doc }[] {
  return readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml")
    .sort()
    .flatMap((file) => documents(DIR, file).map((doc) => ({ file, doc })));
}

function ofKind<T>(kind: string): T[] {
  return manifests()
    .filter((m) => m.doc.kind === kind)
    .map((m) => m.doc as T);
}

const selects = (selector: Record<string, string> | undefined, target: Record<string, string> | undefined) =>
  Object.keys(selector ?? {}).length > 0 && Object.entries(selector ?? {}).every(([k, v]) => target?.[k] === v);

describe("deploy/kubernetes/monitoring", () => {
  it("the kustomization lists exactly the manifest files present", () => {
    const [kustomization] = documents(DIR, "kustomization.yaml");
    assert.equal(kustomization?.namespace, "mtls-gate");
    assert.deepEqual(
      [...(kustomization?.resources as string[])].sort(),
      readdirSync(DIR)
        .filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml")
        .sort(),
    );
  });

  it("every document validates against its schema; a typo or a wrong type fails", () => {
    for (const { file, doc } of manifests()) validate(doc, file);
    const [monitor] = ofKind<Doc & { spec: { endpoints: Record<string, unknown>[] } }>("ServiceMonitor");
    assert.ok(monitor);
    const typo = structuredClone(monitor);
    typo.spec.endpoints[0]!.intervall = "60s";
    assert.throws(() => validate(typo, "x.yaml"), /must NOT have additional properties/);
    const [rule] = ofKind<Doc & { spec: { groups: { rules: Record<string, unknown>[] }[] } }>("PrometheusRule");
    assert.ok(rule);
    const badFor = structuredClone(rule);
    badFor.spec.groups[0]!.rules[0]!.for = "an hour";
    assert.throws(() => validate(badFor, "x.yaml"), /must match pattern/);
  });

  it("scrapes every mtls-gate pod at /metrics with the token the pods read", () => {
    const pods = ["web-deployment.yaml", "worker-deployment.yaml"].map((f) => documents(APP_DIR, f)[0] as IDeployment);
    const [service] = ofKind<IService>("Service");
    assert.ok(service);
    for (const deployment of pods) {
      const template = deployment.spec?.template;
      assert.ok(selects(service.spec?.selector, template?.metadata?.labels), `${deployment.metadata?.name}: scraped`);
      const container = template?.spec?.containers.find((c) => c.env?.some((e) => e.name === "MTLS_GATE_ROLE"));
      assert.ok(container?.ports?.some((p) => p.name === service.spec?.ports?.[0]?.targetPort));
      assert.deepEqual(container?.env?.find((e) => e.name === "MTLS_GATE_METRICS_TOKEN")?.valueFrom, {
        secretKeyRef: { name: "mtls-gate-metrics", key: "MTLS_GATE_METRICS_TOKEN", optional: true },
      });
    }
    const [monitor] = ofKind<{
      spec: {
        selector: { matchLabels: Record<string, string> };
        endpoints: {
          port: string;
          path: string;
          authorization: { type: string; credentials: { name: string; key: string } };
        }[];
      };
    }>("ServiceMonitor");
    assert.ok(
      monitor && selects(monitor.spec.selector.matchLabels, service.metadata?.labels),
      "the ServiceMonitor selects the metrics Service",
    );
    const [endpoint] = monitor.spec.endpoints;
    assert.equal(endpoint?.path, "/metrics");
    assert.ok(
      service.spec?.ports?.some((p) => p.name === endpoint?.port),
      "the endpoint names a port of the Service",
    );
    assert.deepEqual(endpoint?.authorization, {
      type: "Bearer",
      credentials: { name: "mtls-gate-metrics", key: "MTLS_GATE_METRICS_TOKEN" },
    });
  });

  it("alerts 14 days before a certificate in Git expires, on the app's metric and its labels", () => {
    const [rule] = ofKind<{
      spec: { groups: { rules: { alert?: string; expr: string; labels?: Record<string, string> }[] }[] };
    }>("PrometheusRule");
    const alert = rule?.spec.groups.flatMap((g) => g.rules).find((r) => r.alert === "MtlsGateCertificateExpiresSoon");
    assert.ok(alert);
    const expr = alert.expr.replace(/\s+/g, " ").trim();
    assert.equal(
      expr,
      "min by (repository, namespace, secret, subject) (mtls_gate_certificate_expiration_timestamp_seconds) - time() < 14 * 86400",
    );
    assert.equal(alert.labels?.severity, "warning");
  });
});
