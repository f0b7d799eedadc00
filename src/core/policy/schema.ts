/** JSON Schema of `.github/mtls-gate.yml`. Every key is optional; unknown keys are errors. */

const stringList = { type: "array", items: { type: "string" } } as const;

const selector = {
  type: "object",
  additionalProperties: false,
  properties: { namespaces: stringList, prefixes: stringList, services: stringList },
} as const;

const ruleSetting = { enum: ["error", "warning", "notice", "off", false] } as const;

export const POLICY_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    failOn: { enum: ["error", "warning"] },
    scope: { enum: ["introduced", "all"] },
    paths: {
      type: "object",
      additionalProperties: false,
      properties: { include: stringList, exclude: stringList },
    },
    emissary: {
      type: "object",
      additionalProperties: false,
      properties: {
        namespace: { type: "string", minLength: 1 },
        ambassadorId: { type: "string", minLength: 1 },
        integrations: {
          type: "object",
          additionalProperties: false,
          properties: { istio: { type: "boolean" }, consul: { type: "boolean" } },
        },
      },
    },
    defaultNamespace: { type: "string", minLength: 1 },
    externalSecrets: { type: "array", items: { type: "string", pattern: "^[^/\\s]+/[^/\\s]+$" } },
    require: {
      type: "object",
      additionalProperties: false,
      properties: { mtls: selector, verifiedUpstream: selector },
    },
    rules: { type: "object", additionalProperties: ruleSetting },
    certificates: {
      type: "object",
      additionalProperties: false,
      properties: {
        expiryWarningDays: { type: "integer", minimum: 0 },
        minRsaBits: { type: "integer", minimum: 512 },
        preferredRsaBits: { type: "integer", minimum: 512 },
        minEcBits: { type: "integer", minimum: 160 },
      },
    },
    commands: {
      type: "object",
      additionalProperties: false,
      properties: { acceptErrors: { enum: ["write", "maintain", "admin"] } },
    },
    suppressions: {
      type: "object",
      additionalProperties: false,
      properties: { newInPullRequest: { enum: ["require-accept", "allow"] } },
    },
    coverage: {
      type: "object",
      additionalProperties: false,
      properties: { failOnSkipped: { type: "boolean" } },
    },
    render: {
      type: "object",
      additionalProperties: false,
      properties: {
        enabled: { type: "boolean" },
        environments: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name"],
            properties: {
              name: { type: "string", minLength: 1, pattern: "^[^\\s,]+$" },
              kustomize: { type: "string", minLength: 1 },
              helm: {
                type: "object",
                additionalProperties: false,
                required: ["chart"],
                properties: {
                  chart: { type: "string", minLength: 1 },
                  values: { anyOf: [{ type: "string", minLength: 1 }, stringList] },
                  namespace: { type: "string", minLength: 1 },
                  releaseName: { type: "string", minLength: 1 },
                },
              },
              paths: stringList,
            },
          },
        },
      },
    },
    watch: {
      type: "object",
      additionalProperties: false,
      properties: { schedule: { enum: ["hourly", "daily", "weekly", "off"] } },
    },
    dashboard: {
      type: "object",
      additionalProperties: false,
      properties: { enabled: { type: "boolean" } },
    },
    _extends: { type: "string" },
  },
} as const;
