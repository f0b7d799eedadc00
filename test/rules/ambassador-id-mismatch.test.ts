import { ruleTester } from "../helpers/rule-tester.js";

/** A Mapping whose ambassador_id is on line 8. */
const mapping = (ids: string) => `# a Mapping
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: apps}
spec:
  prefix: /api/
  service: api
  ambassador_id: ${ids}
`;

/** Emissary's Deployment, with AMBASSADOR_ID. */
const emissary = (id: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: ambassador}
spec:
  template:
    spec:
      containers:
        - name: ambassador
          image: docker.io/emissaryingress/emissary:3.9.1
          env:
            - {name: AMBASSADOR_ID, value: ${id}}
`;

ruleTester("ambassador-id-mismatch", [
  {
    name: "clean: the installation's default id",
    files: { "mapping.yaml": mapping("[default]") },
    expect: [],
  },
  {
    name: "clean: written for the id of the Emissary Deployment in the repository",
    files: { "mapping.yaml": mapping("[ambassador-edge]"), "emissary.yaml": emissary("ambassador-edge") },
    expect: [],
  },
  {
    name: "clean: written for another Emissary of the repository (that one takes it)",
    files: {
      "mapping.yaml": mapping("internal"),
      "edge.yaml": emissary("edge"),
      "internal.yaml": emissary("internal").replace("name: edge", "name: internal"),
    },
    expect: [],
  },
  {
    name: "an id no Emissary of the repository runs with (a list)",
    files: { "mapping.yaml": mapping("[ambassador-edge]") },
    expect: [
      {
        line: 8,
        severity: "notice",
        resource: "Mapping/apps/api",
        data: { ids: "ambassador-edge", installationId: "default" },
      },
    ],
  },
  {
    name: "a string id, and the policy names the installation",
    policy: "emissary: {ambassadorId: public}\n",
    files: { "mapping.yaml": mapping("internal") },
    expect: [
      {
        line: 8,
        severity: "notice",
        data: { ids: "internal", installationId: "public", idFrom: "the policy's emissary.ambassadorId" },
      },
    ],
  },
  {
    name: "no ambassador_id means default, which an installation with another id drops",
    policy: "emissary: {ambassadorId: public}\n",
    files: {
      "mapping.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: apps}
spec: {prefix: /api/, service: api}
`,
    },
    expect: [{ line: 4, severity: "notice", data: { ids: "default" } }],
  },
]);
