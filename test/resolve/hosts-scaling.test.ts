/**
 * Resolving Hosts grows with the Hosts, not with Hosts times contexts or Hosts times Listeners: the work is counted
 * (reads of the context registry and of Listeners), not timed, so the test means the same on a loaded machine.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveHosts } from "../../src/core/resolve/hosts.js";
import type { ContextRegistry } from "../../src/core/resolve/contexts.js";
import type { ListenerResource } from "../../src/core/model/resources.js";
import { analyzeFiles } from "../helpers/rule-tester.js";

/** `count` Hosts, each in its own namespace with its own Secret, inline `tls:` and SELF-binding Listener. */
function tree(count: number): Record<string, string> {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const ns = `team-${i}`;
    docs.push(`apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: ${ns}}
type: kubernetes.io/tls
stringData: {tls.crt: "-----BEGIN CERTIFICATE-----", tls.key: "-----BEGIN PRIVATE KEY-----"}`);
    docs.push(`apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: site-${i}, namespace: ${ns}}
spec:
  hostname: site-${i}.example.com
  tlsSecret: {name: cert}
  tls: {min_tls_version: v1.2}`);
    docs.push(`apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: https, namespace: ${ns}}
spec:
  port: 8443
  protocol: HTTPS
  securityModel: XFP
  hostBinding: {namespace: {from: SELF}}`);
  }
  return { "hosts.yaml": docs.join("\n---\n") };
}

/** The reads `resolveHosts` makes of the registry's contexts and of each Listener, over a tree of `count` Hosts. */
function operations(count: number): { reads: number; bound: number; inline: number } {
  const analysis = analyzeFiles(tree(count));
  const { model, contexts, secrets } = {
    model: analysis.model,
    contexts: analysis.simulation.contexts,
    secrets: analysis.simulation.secrets,
  };
  let reads = 0;
  const counted = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        reads++;
        return Reflect.get(object, property, receiver) as unknown;
      },
    });
  const registry: ContextRegistry = { ...contexts, all: counted(contexts.all.map(counted)) };
  const listeners: ListenerResource[] = model.listeners.map(counted);
  const resolved = resolveHosts(model.hosts, registry, secrets, listeners);
  assert.equal(resolved.length, count);
  return {
    reads,
    bound: resolved.filter((r) => r.bound && r.active).length,
    inline: resolved.filter((r) => r.context?.definition.origin === "host").length,
  };
}

test("resolving 10x the Hosts (each with its own context and Listener) costs about 10x the reads, not 100x", () => {
  const small = operations(100);
  const large = operations(1000);
  // Every Host is bound by its namespace's Listener and uses the context its inline tls: made: the index finds them.
  assert.deepEqual([small.bound, small.inline, large.bound, large.inline], [100, 100, 1000, 1000]);
  const growth = large.reads / small.reads;
  assert.ok(
    growth > 8 && growth < 13,
    `reads grew ${growth.toFixed(1)}x (${small.reads} -> ${large.reads}); linear is 10x, quadratic 100x`,
  );
});
