import { ruleTester } from "../helpers/rule-tester.js";

const context = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
spec:
  secret: upstream-client
`;

const mapping = (tls: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
spec:
  prefix: /backend/
  service: https://backend:443
  tls: ${tls}
`;

const base = {
  "base/kustomization.yaml": "resources:\n  - context.yaml\n  - mapping.yaml\n",
  "base/context.yaml": context,
  "base/mapping.yaml": mapping("upstream"),
};

ruleTester("kustomize-renamed-reference", [
  {
    name: "an overlay's namePrefix renames the base's TLSContext; the Mapping keeps tls: upstream: the namePrefix line",
    files: {
      "overlays/prod/kustomization.yaml": "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\n",
      ...base,
    },
    expect: [
      {
        line: 2,
        severity: "error",
        resource: "Mapping/prod/backend",
        messageId: "renamed",
        data: {
          context: "upstream",
          renamed: "prod-upstream",
          option: "namePrefix",
          kustomization: "overlays/prod/kustomization.yaml",
        },
      },
    ],
  },
  {
    name: "nameSuffix and a prefix together: on the namePrefix line, the name gets both",
    files: {
      "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\nnameSuffix: -v2\nnamePrefix: prod-\n",
      ...base,
    },
    expect: [{ line: 4, severity: "error", data: { renamed: "prod-upstream-v2" } }],
  },
  {
    name: "nameSuffix alone: its line",
    files: { "overlays/canary/kustomization.yaml": "resources:\n  - ../../base\nnameSuffix: -canary\n", ...base },
    expect: [{ line: 3, severity: "error", data: { renamed: "upstream-canary", option: "nameSuffix" } }],
  },
  {
    name: "no namePrefix or nameSuffix: clean",
    files: { "overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../../base\n", ...base },
    expect: [],
  },
  {
    name: "the Mapping already names the renamed context: clean",
    files: {
      "overlays/prod/kustomization.yaml": "namePrefix: prod-\nresources:\n  - ../../base\n",
      "base/kustomization.yaml": base["base/kustomization.yaml"],
      "base/context.yaml": context,
      "base/mapping.yaml": mapping("prod-upstream"),
    },
    expect: [],
  },
  {
    name: "a configurations nameReference in the build (kustomize then rewrites tls:): clean",
    files: {
      "overlays/prod/kustomization.yaml":
        "namePrefix: prod-\nresources:\n  - ../../base\nconfigurations:\n  - name-reference.yaml\n",
      ...base,
    },
    expect: [],
  },
  {
    name: "a TLSContext outside the build (plain YAML): not renamed, clean",
    files: {
      "overlays/prod/kustomization.yaml": "namePrefix: prod-\nresources:\n  - mapping.yaml\n",
      "overlays/prod/mapping.yaml": mapping("upstream"),
      "shared/context.yaml": context,
    },
    expect: [],
  },
]);
