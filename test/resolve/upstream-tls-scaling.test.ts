/**
 * Simulating the upstream TLS side grows with the routes, not with routes times workloads: the work is counted (reads
 * of the model's workload list), not timed, so the test means the same on a loaded machine.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Model } from "../../src/core/model/build.js";
import { resolveUpstreamTls } from "../../src/core/resolve/upstream-tls.js";
import { analyzeFiles } from "../helpers/rule-tester.js";

/** `count` teams, each a namespace with one Service, the Deployment running its pods, and two Mappings to it over TLS. */
function tree(count: number): Record<string, string> {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const ns = `team-${i}`;
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: api, namespace: ${ns}}
spec:
  selector: {app: api}
  ports: [{port: 443}]`);
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1}]`);
    for (const path of ["a", "b"])
      docs.push(`apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${path}, namespace: ${ns}}
spec:
  hostname: "*"
  prefix: /${ns}/${path}/
  service: https://api.${ns}:443`);
  }
  return { "teams.yaml": docs.join("\n---\n") };
}

/** Reads of `model.workloads` while the upstream TLS side of every route of `count` teams is simulated again. */
function reads(count: number): { reads: number; simulated: number } {
  const analysis = analyzeFiles(tree(count));
  const { model } = analysis;
  const { routes } = analysis.simulation;
  let counted = 0;
  const workloads = new Proxy(model.workloads, {
    get(target, property, receiver) {
      counted++;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  const copy: Model = { ...model, workloads };
  resolveUpstreamTls(routes, copy, new Date("2026-06-01T00:00:00Z"));
  return { reads: counted, simulated: routes.filter((r) => r.upstreamTls).length };
}

test("simulating the upstream TLS of 10x the routes reads the workloads about 10x as often, not 100x", () => {
  const small = reads(50);
  const large = reads(500);
  // Every route originates TLS to its team's Service, whose Deployment is found (it mounts no key pair: "unknown").
  assert.deepEqual([small.simulated, large.simulated], [100, 1000]);
  const growth = large.reads / small.reads;
  assert.ok(
    growth > 8 && growth < 13,
    `reads grew ${growth.toFixed(1)}x (${small.reads} -> ${large.reads}); linear is 10x, quadratic 100x`,
  );
});
