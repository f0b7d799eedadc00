import type { TreeAnalysis } from "./analyze.js";
import { documentLocation, resourceLocation, type ResourceBase } from "./model/resources.js";
import type { ResolvedContext } from "./resolve/contexts.js";
import type { Route } from "./resolve/routes.js";
import { elsewhereText, type SecretLookup } from "./resolve/secrets.js";
import type { Finding, Location } from "./types.js";
import { closestMatches } from "./util/suggest.js";
import type { RouteView, SecretFileView } from "./views.js";

/** One link of a route's resolution chain, as `/mtls-gate explain` shows it. */
export interface ExplainStep {
  kind: "Mapping" | "Service" | "TLSContext" | "Secret" | "Certificate" | "CA" | "Upstream" | "Handshake";
  /** What this step resolved to, in one line. */
  summary: string;
  details: string[];
  at: Location | null;
}

export interface RouteExplanation {
  route: RouteView;
  steps: ExplainStep[];
  /** Every finding on a resource of the chain (the Mapping, its context, the Secrets it reads). */
  findings: Finding[];
}

export type ExplainResult =
  | { kind: "found"; explanation: RouteExplanation }
  | { kind: "ambiguous"; query: string; candidates: string[] }
  | { kind: "unknown"; query: string; suggestions: string[] };

/** Routes a user's words name: a Mapping's `name`, its `namespace/name`, or its exact prefix. */
export function matchRoutes(routes: readonly RouteView[], query: string): RouteView[] {
  const q = query.trim();
  const exact = routes.filter((r) => r.mapping === q);
  if (exact.length > 0) return exact;
  const byName = routes.filter((r) => r.mapping.slice(r.mapping.indexOf("/") + 1) === q);
  if (byName.length > 0) return byName;
  return routes.filter((r) => r.prefix !== null && r.prefix === q);
}

export function explain(analysis: TreeAnalysis, query: string): ExplainResult {
  const matches = matchRoutes(analysis.routes, query);
  if (matches.length > 1) return { kind: "ambiguous", query, candidates: matches.map((r) => r.mapping).sort() };
  const view = matches[0];
  if (!view) {
    const names = analysis.routes.flatMap((r) => [r.mapping, ...(r.prefix ? [r.prefix] : [])]);
    return { kind: "unknown", query, suggestions: closestMatches(query, names) };
  }
  const route = analysis.simulation.routes.find((r) => `${r.mapping.namespace}/${r.mapping.name}` === view.mapping && r.mapping.kind === view.kind);
  if (!route) return { kind: "unknown", query, suggestions: [] };
  return { kind: "found", explanation: explainRoute(route, view, analysis.findings) };
}

function explainRoute(route: Route, view: RouteView, findings: readonly Finding[]): RouteExplanation {
  const mapping = route.mapping;
  const steps: ExplainStep[] = [];
  const onChain = new Set<string>([mapping.id]);

  steps.push({
    kind: "Mapping",
    summary: `${mapping.kind} ${mapping.namespace}/${mapping.name}${mapping.prefix !== undefined ? ` for prefix ${mapping.prefix}` : ""}`,
    details: [`service: ${mapping.service ?? "(none)"}`, `tls: ${mapping.tls === undefined ? "(none)" : String(mapping.tls)}`],
    at: resourceLocation(mapping),
  });

  const upstream = `${route.upstreamScheme}://${route.upstreamHost}:${route.upstreamPort}`;
  const serviceDetails = [`mode: ${view.mode}${route.originatesTls ? " (Emissary originates TLS)" : " (cleartext)"}`];
  if (route.rejected) serviceDetails.push(`rejected by Emissary: ${route.rejected} — the route does not exist`);
  if (route.service?.path) serviceDetails.push(`path ${route.service.path} in service: is ignored`);
  if (route.clusterLeader) serviceDetails.push(`shares its cluster with ${route.clusterLeader.namespace}/${route.clusterLeader.name}, whose TLS settings win`);
  steps.push({ kind: "Service", summary: `upstream ${upstream}`, details: serviceDetails, at: null });

  const context = route.effectiveContext ?? route.requestedContext;
  if (context) {
    onChain.add(context.definition.resource.id);
    steps.push(contextStep(route, context));
  } else {
    const why =
      route.contextOutcome === "unknown"
        ? `no TLSContext is named "${String(mapping.tls)}": Emissary uses no client certificate`
        : route.usesNullContext
          ? "the null context: TLS without a client certificate"
          : "none: no client certificate";
    steps.push({ kind: "TLSContext", summary: why, details: [], at: null });
  }

  const clientSecret = context?.secret;
  if (clientSecret) {
    steps.push(secretStep(clientSecret, "client certificate"));
    if (clientSecret.secret) onChain.add(clientSecret.secret.id);
  }
  const certificate = view.clientCertificate;
  if (certificate) {
    steps.push({
      kind: "Certificate",
      summary: `${certificate.subject}, ${certificate.daysLeft >= 0 ? `${certificate.daysLeft} days left` : `expired ${-certificate.daysLeft} days ago`}`,
      details: [
        `issuer: ${certificate.issuer}`,
        `key: ${certificate.keyType}${certificate.keyBits !== null ? ` ${certificate.keyBits} bits` : ""}, signature ${certificate.signatureAlgorithm}`,
        `valid ${certificate.notBefore} to ${certificate.notAfter}`,
        ...(certificate.sans.length > 0 ? [`SANs: ${certificate.sans.slice(0, 10).join(", ")}${certificate.sans.length > 10 ? ", …" : ""}`] : []),
      ],
      at: null,
    });
  }
  const ca = context?.caSecret;
  if (ca) {
    steps.push({ ...secretStep(ca, "CA"), kind: "CA" });
    if (ca.secret) onChain.add(ca.secret.id);
  } else if (route.originatesTls) {
    steps.push({ kind: "CA", summary: "none: the upstream's certificate is not verified", details: [], at: null });
  }

  steps.push(...upstreamSteps(route, view));
  const upstreamTls = route.upstreamTls;
  if (upstreamTls?.state === "known") {
    for (const file of [upstreamTls.server, upstreamTls.clientCa]) {
      if (!file) continue;
      onChain.add(file.secret.id);
      // A Secret cert-manager writes: findings about its Certificate and the issuer's CA Secret are on the chain too.
      if (file.issued) onChain.add(file.issued.certificate.id).add(file.issued.caSecret.id);
    }
  }

  return { route: view, steps, findings: findings.filter((f) => f.resource !== null && onChain.has(f.resource)) };
}

/** The upstream's side of the handshake and each verification step with its outcome (issue 20). */
function upstreamSteps(route: Route, view: RouteView): ExplainStep[] {
  const upstream = route.upstreamTls;
  const shown = view.upstreamTls;
  if (!upstream || !shown) return [];
  if (upstream.state === "unknown" || shown.state === "unknown") {
    return [{ kind: "Upstream", summary: `unknown: ${upstream.state === "unknown" ? upstream.why : ""}`, details: ["the handshake is not simulated, and nothing is reported about it"], at: null }];
  }
  const server = shown.server;
  const steps: ExplainStep[] = [
    {
      kind: "Upstream",
      summary: `Service ${shown.service} -> ${shown.workload}, server certificate from Secret ${shown.serverCertificate.secret} (${shown.serverCertificate.key})`,
      details: [
        ...(server ? [`subject: ${server.subject}`, `issuer: ${server.issuer}`, server.daysLeft >= 0 ? `${server.daysLeft} days left (until ${server.notAfter})` : `expired ${-server.daysLeft} days ago`] : []),
        ...issuedDetails("server certificate", shown.serverCertificate),
        `client CA: ${shown.clientCa ? `${shown.clientCa.kind ?? "Secret"} ${shown.clientCa.secret} (${shown.clientCa.key})` : "none named"}`,
        ...(shown.clientCa ? issuedDetails("client CA", shown.clientCa) : []),
        `name ${shown.name}: ${shown.nameCovered ? "covered" : "not covered"} by the server certificate (Emissary checks no names)`,
      ],
      at: upstream.server.at,
    },
  ];
  const context = route.effectiveContext;
  for (const [label, check, field] of [["server certificate (Envoy verifies the upstream)", shown.serverCheck, "ca_secret"], ["client certificate (the upstream verifies Emissary)", shown.clientCheck, "secret"]] as const) {
    const location = context ? documentLocation(context.definition.resource, [...context.definition.fieldsPath, field === "ca_secret" && context.definition.caSecret === undefined ? "secret" : field]) : null;
    steps.push({
      kind: "Handshake",
      summary: `${label}: ${check.outcome}${check.why ? ` (${check.why})` : ""}`,
      details: check.steps.map((step) => `${step.ok ? "ok" : "FAILS"}: ${step.text}`),
      at: check.outcome === "skipped" ? null : location,
    });
  }
  return steps;
}

/** A Secret cert-manager writes: which Certificate, issuer and CA (issue 20). */
function issuedDetails(role: string, file: SecretFileView): string[] {
  const issued = file.issued;
  if (!issued) return [];
  const ca = issued.ca;
  return [
    `${role} written by cert-manager from Certificate ${issued.certificate} (${file.file}:${file.line}), ${issued.issuer}`,
    `${role} CA: Secret ${issued.caSecret} (${issued.caFile}:${issued.caLine})${ca ? `, ${ca.subject}, ${ca.daysLeft >= 0 ? `${ca.daysLeft} days left` : `expired ${-ca.daysLeft} days ago`}` : ""}`,
    `${role} names: ${issued.names.length > 0 ? issued.names.join(", ") : "none"}; usages: ${issued.usages.join(", ")}`,
  ];
}

const ORIGIN_NAMES: Readonly<Record<ResolvedContext["definition"]["origin"], string>> = {
  TLSContext: "TLSContext",
  "tls-module": "TLS Module block",
  host: "Host context",
};

function contextStep(route: Route, context: ResolvedContext): ExplainStep {
  const definition = context.definition;
  const details: string[] = [];
  if (!context.usable) details.push(`Emissary refuses this context (${context.errors.map((e) => e.code).join(", ")})`);
  if (route.lostToSharedCluster) details.push("not the context the cluster uses: a shared cluster took another Mapping's settings");
  if (context.renamedBecause) details.push(`registered as ${context.registeredName}: another namespace took the bare name`);
  if (definition.secret) details.push(`secret: ${definition.secret}`);
  if (definition.caSecret) details.push(`ca_secret: ${definition.caSecret}`);
  return {
    kind: "TLSContext",
    summary: `${ORIGIN_NAMES[definition.origin]} ${definition.namespace}/${definition.name}${context.usable ? "" : " (unusable)"}`,
    details,
    at: documentLocation(definition.resource, definition.fieldsPath.length > 0 ? definition.fieldsPath : ["metadata", "name"]),
  };
}

function secretStep(lookup: SecretLookup, role: string): ExplainStep {
  const name = `${lookup.namespace}/${lookup.name}`;
  const found = lookup.secret as ResourceBase | undefined;
  const summary =
    lookup.status === "found"
      ? `Secret ${name} (${role})`
      : lookup.status === "provided"
        ? `Secret ${name} (${role}), created outside Git by ${lookup.provider?.kind ?? "a provider"}`
        : `Secret ${name} (${role}): ${lookup.status}`;
  const details = lookup.elsewhere.length > 0 && lookup.status === "missing" ? [`a Secret of that name exists in: ${elsewhereText(lookup)}`] : [];
  return { kind: "Secret", summary, details, at: found ? resourceLocation(found) : (lookup.provider?.location ?? null) };
}
