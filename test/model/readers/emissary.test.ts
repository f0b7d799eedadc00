import assert from "node:assert/strict";
import { test } from "node:test";
import { isEmissaryKind, readVersion } from "../../../src/core/model/readers/emissary.js";
import { modelOf } from "../../helpers/model.js";

test("emissary reader: versions v3alpha1, v2 and v1 are read, v0 is gone; the kinds it reads", () => {
  assert.deepEqual(
    ["getambassador.io/v3alpha1", "getambassador.io/v2", "getambassador.io/v1", "getambassador.io/v0"].map(readVersion),
    ["v3alpha1", "v2", "v1", undefined],
  );
  assert.deepEqual(["Mapping", "Listener", "ConsulResolver", "AuthService", "RateLimitService"].map(isEmissaryKind), [
    true,
    true,
    true,
    false,
    false,
  ]);
});

test("emissary reader: a Mapping is typed with its service, tls, resolver and redirect (shadow wins over host_redirect)", () => {
  const model = modelOf(
    {
      "m.yaml": `apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: api, namespace: apps}
spec:
  prefix: /api/
  service: https://api:8443
  tls: true
  resolver: endpoints
  load_balancer: {policy: round_robin}
  ambassador_id: edge
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: mirror, namespace: apps}
spec: {prefix: /m/, service: m, host_redirect: true, shadow: true, load_balancer: {}}
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: moved, namespace: apps}
spec: {prefix: /old/, service: new.example.com, host_redirect: true, hostname: "*"}
`,
    },
    { emissary: { ambassadorId: "edge" } },
  );
  const byName = new Map(model.allAmbassadorResources.map((r) => [r.name, r]));
  const api = model.mappings.find((m) => m.name === "api")!;
  assert.deepEqual(
    [api.version, api.service, api.tls, api.resolver, api.hasLoadBalancer, api.ambassadorId],
    ["v2", "https://api:8443", true, "endpoints", true, ["edge"]],
  );
  // The two v3alpha1 Mappings carry no ambassador_id: they are `default`'s, so another installation's here.
  assert.deepEqual(
    model.otherInstallations.map((r) => r.name),
    ["mirror", "moved"],
  );
  const mirror = byName.get("mirror") as typeof api;
  const moved = byName.get("moved") as typeof api;
  assert.deepEqual([mirror.hostRedirect, mirror.hasLoadBalancer], [false, false]);
  assert.deepEqual([moved.hostRedirect, moved.hostname], [true, "*"]);
});

test("emissary reader: Listener hostBinding and protocol, Host hostname and TLS Secret", () => {
  const model = modelOf({
    "l.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: https, namespace: edge}
spec: {port: 8443, protocolStack: [TLS, HTTP, TCP], hostBinding: {namespace: {from: all}}}
---
apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: labelled, namespace: edge}
spec: {port: 8080, protocol: HTTPS, hostBinding: {selector: {matchLabels: {edge: "true"}}}}
---
apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: tcp, namespace: edge}
spec: {port: 9000, protocol: TCP, hostBinding: {}}
---
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: any, namespace: edge}
spec: {hostname: "", tlsSecret: {name: edge-cert}, tlsContext: {name: edge-ctx}, mappingSelector: {matchLabels: {a: b}}}
`,
  });
  assert.deepEqual(
    model.listeners.map((l) => [l.name, l.port, l.http, l.hostBinding]),
    [
      ["https", 8443, true, { from: "ALL", matchLabels: undefined }],
      ["labelled", 8080, true, { from: undefined, matchLabels: { edge: "true" } }],
      ["tcp", 9000, false, undefined],
    ],
  );
  const [host] = model.hosts;
  assert.deepEqual(
    [host?.hostname, host?.tlsSecret, host?.tlsContextName, host?.mappingSelector],
    ["*", { name: "edge-cert", namespace: undefined }, "edge-ctx", { a: "b" }],
  );
});

test("emissary reader: a v0 resource is refused with a diagnostic naming it; a nameless one is skipped", () => {
  const model = modelOf({
    "old.yaml": `apiVersion: getambassador.io/v0
kind: Mapping
metadata: {name: legacy, namespace: apps}
spec: {prefix: /, service: legacy}
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {namespace: apps}
spec: {prefix: /, service: nameless}
`,
  });
  assert.deepEqual(model.allAmbassadorResources, []);
  assert.deepEqual(
    model.diagnostics.map((d) => [d.kind, d.resource, d.location.line]),
    [["unsupported-api-version", "Mapping/apps/legacy", 1]],
  );
});
