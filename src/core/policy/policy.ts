import type { Severity } from "../types.js";

export interface RouteSelector {
  /** Upstream service namespaces (where the traffic goes). */
  namespaces: string[];
  /** Mapping prefixes; a trailing `*` matches any prefix that starts with the rest. */
  prefixes: string[];
  /** Upstream services, as `name` or `name.namespace`. */
  services: string[];
}

export type RuleSetting = Severity | "off";

export interface Policy {
  failOn: "error" | "warning";
  scope: "introduced" | "all";
  paths: { include: string[]; exclude: string[] };
  emissary: {
    namespace: string;
    integrations: { istio: boolean; consul: boolean };
    /** The installation's `ambassador_id` (Emissary's AMBASSADOR_ID); inferred from the repository when not set. */
    ambassadorId?: string;
    /**
     * The keys the policy file sets. The others are inferred from the repository; a policy built in code without this
     * list counts every value that differs from the default as set.
     */
    declared?: EmissaryKey[];
  };
  defaultNamespace: string;
  /** `namespace/name` of Secrets created outside Git. */
  externalSecrets: string[];
  require: { mtls: RouteSelector; verifiedUpstream: RouteSelector };
  rules: Record<string, RuleSetting>;
  certificates: { expiryWarningDays: number; minRsaBits: number; preferredRsaBits: number; minEcBits: number };
  /** Comment commands (the GitHub App): the repository permission needed to accept an `error` finding. */
  commands: { acceptErrors: RepositoryPermission };
  /**
   * `newInPullRequest`: whether an ignore annotation the change adds (the base tree lacks it for that rule and resource)
   * clears a finding that would block. `require-accept`: no, it needs `/mtls-gate accept`; `allow`: yes, reported.
   */
  suppressions: { newInPullRequest: NewSuppressionPolicy };
  /** `failOnSkipped`: whether manifest files in scope that could not be analysed (templated, unreadable) block. */
  coverage: { failOnSkipped: boolean };
  /**
   * Rendering of Kustomize overlays and Helm charts. `enabled: false` analyses the files as written (no render).
   * `environments`: explicit environments; when given, they replace discovery (see src/core/environments/).
   */
  render: { enabled: boolean; environments: PolicyEnvironment[] };
  /** The GitHub App's scans of the default branch: how often (besides every push to it); `off`: on pushes only. */
  watch: { schedule: WatchSchedule };
  /** The GitHub App's dashboard issue (`mtls-gate dashboard`): whether it is kept. */
  dashboard: { enabled: boolean };
}

export const WATCH_SCHEDULES = ["hourly", "daily", "weekly", "off"] as const;
export type WatchSchedule = (typeof WATCH_SCHEDULES)[number];

/** One environment the policy names: a kustomization directory or a chart with values, and the plain files with it. */
export interface PolicyEnvironment {
  name: string;
  /** The directory of the kustomization to build (relative to the repository root). */
  kustomize?: string;
  helm?: { chart: string; values: string[]; namespace?: string; releaseName?: string };
  /** Globs of plain YAML analysed with it; absent: the plain YAML no kustomization or chart includes. */
  paths?: string[];
  /** Where the policy file declares it (1-based line), for `mtls-gate environments`. */
  line?: number;
}

export type EmissaryKey = "namespace" | "ambassadorId" | "istio" | "consul";

/** What the policy itself says about the installation: undefined for what it leaves to inference. */
export function declaredEmissary(policy: Policy): { namespace?: string; ambassadorId?: string; istio?: boolean; consul?: boolean } {
  const { emissary } = policy;
  const set = (key: EmissaryKey, differs: boolean) => (emissary.declared ? emissary.declared.includes(key) : differs);
  return {
    ...(set("namespace", emissary.namespace !== "default") ? { namespace: emissary.namespace } : {}),
    ...(emissary.ambassadorId !== undefined && set("ambassadorId", true) ? { ambassadorId: emissary.ambassadorId } : {}),
    ...(set("istio", emissary.integrations.istio) ? { istio: emissary.integrations.istio } : {}),
    ...(set("consul", emissary.integrations.consul) ? { consul: emissary.integrations.consul } : {}),
  };
}

export const NEW_SUPPRESSION_POLICIES = ["require-accept", "allow"] as const;
export type NewSuppressionPolicy = (typeof NEW_SUPPRESSION_POLICIES)[number];

/** GitHub's repository roles, weakest first. */
export const REPOSITORY_PERMISSIONS = ["read", "triage", "write", "maintain", "admin"] as const;
export type RepositoryPermission = (typeof REPOSITORY_PERMISSIONS)[number];

const emptySelector = (): RouteSelector => ({ namespaces: [], prefixes: [], services: [] });

export function defaultPolicy(): Policy {
  return {
    failOn: "error",
    scope: "introduced",
    paths: { include: ["**/*.yaml", "**/*.yml"], exclude: [] },
    emissary: { namespace: "default", integrations: { istio: false, consul: false } },
    defaultNamespace: "default",
    externalSecrets: [],
    require: { mtls: emptySelector(), verifiedUpstream: emptySelector() },
    rules: {},
    certificates: { expiryWarningDays: 30, minRsaBits: 2048, preferredRsaBits: 2048, minEcBits: 256 },
    commands: { acceptErrors: "maintain" },
    suppressions: { newInPullRequest: "require-accept" },
    coverage: { failOnSkipped: false },
    render: { enabled: true, environments: [] },
    watch: { schedule: "daily" },
    dashboard: { enabled: true },
  };
}

export const POLICY_PATH = ".github/mtls-gate.yml";
