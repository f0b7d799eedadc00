/**
 * Every limit that bounds the work of one check, in one place. Each one, when reached, ends in a finding that names it
 * (on the file, or on the document, where the limit applied): nothing is skipped in silence. The README's "Limits"
 * section lists them all (test/hardening/limits.test.ts keeps it in step with `LIMITS` below).
 *
 * The core stays pure: limits are plain values. The adapters read the environment and pass the result of
 * `loadLimitsFromEnv(process.env)` as `AnalysisOptions.limits`.
 */
import { DEFAULT_LIMITS as CERT_LIMITS } from "./certs/limits.js";

export interface LoadLimits {
  /** Files larger than this are reported and not parsed. */
  maxFileBytes: number;
  /**
   * Aliases (`*name`) per document, counted on the parser's tokens (a document with more is reported and not read), and
   * alias expansions per document: a "billion laughs" document exceeds it long before it costs anything.
   */
  maxAliasCount: number;
  /** Documents read per file; the rest are reported. */
  maxDocumentsPerFile: number;
  /**
   * Collections nested in one document. A deeper document is reported and not read: the YAML composer and the code
   * after it recurse once per level, so without this cap the outcome would depend on the stack size left.
   */
  maxNestingDepth: number;
  /**
   * YAML nodes (keys, values, sequence items, collections) in one document, counted on the parser's tokens before the
   * document is composed, and again with what its merge keys (`<<`) copy. A document over it is reported and not read.
   */
  maxNodesPerDocument: number;
  /** Manifest files analysed per tree (per commit), in path order; the rest are reported, each on its own file. */
  maxManifestFiles: number;
  /**
   * Bytes of manifest files analysed per tree (per commit), in path order: once the next file would take the total
   * over it, that file and every later one are reported and not read. Files over `maxFileBytes` are not counted (they
   * are never parsed).
   */
  maxManifestBytes: number;
  /**
   * Bytes of one commit's tarball the app downloads (gzip, as GitHub sends it), and eight times that once inflated (a
   * tarball of repeated text inflates a thousandfold). The app reads a commit from its tarball when many files are not
   * cached or the tree is too large to list; past the cap it stops, and every manifest file not reached is reported.
   * Only the app and the Action read tarballs: the CLI reads a directory.
   */
  maxTarballBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxFileBytes: MIB,
  maxAliasCount: 1000,
  maxDocumentsPerFile: 20_000,
  maxNestingDepth: 128,
  maxNodesPerDocument: 500_000,
  maxManifestFiles: 50_000,
  maxManifestBytes: 64 * MIB,
  maxTarballBytes: 512 * MIB,
};

/** How many times `maxTarballBytes` the inflated tar stream may be, for the reasons given on `maxTarballBytes`. */
export const TARBALL_INFLATION_FACTOR = 8;

/** The limits an operator may set, and the environment variable of each. */
export const LIMIT_VARIABLES = {
  maxNodesPerDocument: "MTLS_GATE_MAX_NODES_PER_DOCUMENT",
  maxManifestFiles: "MTLS_GATE_MAX_MANIFEST_FILES",
  maxManifestBytes: "MTLS_GATE_MAX_MANIFEST_BYTES",
  maxTarballBytes: "MTLS_GATE_MAX_TARBALL_BYTES",
} as const satisfies Partial<Record<keyof LoadLimits, string>>;

/** One limit as the README states it: what it bounds, its default, how to set it, and the finding that reports it. */
export interface LimitDescription {
  name: string;
  value: number;
  variable: string | null;
  /** The rule whose finding names the limit when it is reached. */
  ruleId: string;
}

/** Every limit, as listed in the README's "Limits" section. */
export const LIMITS: readonly LimitDescription[] = [
  {
    name: "manifest files per commit",
    value: DEFAULT_LOAD_LIMITS.maxManifestFiles,
    variable: LIMIT_VARIABLES.maxManifestFiles,
    ruleId: "file-too-large",
  },
  {
    name: "manifest bytes per commit",
    value: DEFAULT_LOAD_LIMITS.maxManifestBytes,
    variable: LIMIT_VARIABLES.maxManifestBytes,
    ruleId: "file-too-large",
  },
  {
    name: "tarball bytes per commit",
    value: DEFAULT_LOAD_LIMITS.maxTarballBytes,
    variable: LIMIT_VARIABLES.maxTarballBytes,
    ruleId: "file-too-large",
  },
  { name: "bytes per file", value: DEFAULT_LOAD_LIMITS.maxFileBytes, variable: null, ruleId: "file-too-large" },
  {
    name: "documents per file",
    value: DEFAULT_LOAD_LIMITS.maxDocumentsPerFile,
    variable: null,
    ruleId: "file-too-large",
  },
  {
    name: "nodes per document",
    value: DEFAULT_LOAD_LIMITS.maxNodesPerDocument,
    variable: LIMIT_VARIABLES.maxNodesPerDocument,
    ruleId: "file-too-large",
  },
  {
    name: "nesting depth per document",
    value: DEFAULT_LOAD_LIMITS.maxNestingDepth,
    variable: null,
    ruleId: "file-too-large",
  },
  { name: "aliases per document", value: DEFAULT_LOAD_LIMITS.maxAliasCount, variable: null, ruleId: "file-too-large" },
  {
    name: "alias expansions per document",
    value: DEFAULT_LOAD_LIMITS.maxAliasCount,
    variable: null,
    ruleId: "yaml-syntax",
  },
  {
    name: "bytes per Secret value",
    value: CERT_LIMITS.maxValueBytes,
    variable: null,
    ruleId: "cert-inspection-limited",
  },
  {
    name: "certificates per Secret value",
    value: CERT_LIMITS.maxCertificatesPerValue,
    variable: null,
    ruleId: "cert-inspection-limited",
  },
  {
    name: "SAN entries kept per certificate",
    value: CERT_LIMITS.maxSanEntries,
    variable: null,
    ruleId: "cert-inspection-limited",
  },
  {
    name: "RSA key bits used to verify",
    value: CERT_LIMITS.maxRsaKeyBits,
    variable: null,
    ruleId: "cert-inspection-limited",
  },
];

/**
 * The load limits set by environment variables (`LIMIT_VARIABLES`) over `base`. Pure: the caller passes the
 * environment (`process.env`). A variable that is set but not a positive integer is a problem, and its limit keeps its
 * value from `base`; what to do with the problems (refuse to start, print them) is the caller's decision.
 */
export function loadLimitsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  base: LoadLimits = DEFAULT_LOAD_LIMITS,
): { limits: LoadLimits; problems: string[] } {
  const limits = { ...base };
  const problems: string[] = [];
  for (const [key, variable] of Object.entries(LIMIT_VARIABLES) as [keyof typeof LIMIT_VARIABLES, string][]) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === "") continue;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1) {
      problems.push(`${variable} must be a positive integer, not ${JSON.stringify(raw)}`);
      continue;
    }
    limits[key] = value;
  }
  return { limits, problems };
}
