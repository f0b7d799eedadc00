import assert from "node:assert/strict";
import { test } from "node:test";
import { readEmissaryObject } from "../../../src/core/model/readers/emissary.js";
import { readSecretObject, readServiceObject, readWorkloadObject } from "../../../src/core/model/readers/core.js";
import { readIngressClassObject, readIngressObject } from "../../../src/core/model/readers/ingress.js";
import { readProviderObject } from "../../../src/core/model/readers/providers.js";
import { readerFor } from "../../../src/core/model/readers/table.js";
import { readHelmReleaseObject } from "../../../src/core/model/readers/flux.js";

test("the reader table: one row per API group and kind, every version of a group on its row", () => {
  const rows: [string, string, unknown][] = [
    ["getambassador.io/v3alpha1", "Mapping", readEmissaryObject],
    ["getambassador.io/v2", "ConsulResolver", readEmissaryObject],
    ["getambassador.io/v3alpha1", "Listener", readEmissaryObject],
    // v0 has a row too: its reader refuses the version with a diagnostic naming the resource
    ["getambassador.io/v0", "Mapping", readEmissaryObject],
    ["v1", "Secret", readSecretObject],
    ["v1", "Service", readServiceObject],
    ["networking.k8s.io/v1", "Ingress", readIngressObject],
    ["extensions/v1beta1", "Ingress", readIngressObject],
    ["networking.k8s.io/v1", "IngressClass", readIngressClassObject],
    ["apps/v1", "Deployment", readWorkloadObject],
    ["v1", "Pod", readWorkloadObject],
    ["argoproj.io/v1alpha1", "Rollout", readWorkloadObject],
    ["cert-manager.io/v1", "Certificate", readProviderObject],
    ["external-secrets.io/v1beta1", "ExternalSecret", readProviderObject],
    ["helm.toolkit.fluxcd.io/v2", "HelmRelease", readHelmReleaseObject],
    // no row: an AuthService is not simulated, a Rollout of another group is not Argo's, a ConfigMap carries nothing
    ["getambassador.io/v3alpha1", "AuthService", undefined],
    ["example.com/v1", "Rollout", undefined],
    ["v1", "ConfigMap", undefined],
  ];
  for (const [apiVersion, kind, reader] of rows)
    assert.equal(readerFor(apiVersion, kind), reader, `${apiVersion} ${kind}`);
});
