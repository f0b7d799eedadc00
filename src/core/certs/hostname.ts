import { loadedFromFacts } from "./certificate.js";
import { canonicalIp } from "./ip.js";
import type { CertificateFacts } from "./types.js";

/**
 * RFC 6125 matching of a hostname against SAN entries: case-insensitive, a trailing dot ignored, and a wildcard only
 * as the whole left-most label, matching exactly one label. "f*.example.com" never matches, nor does "*.com"
 * (BoringSSL, which Envoy uses, wants at least two labels after the wildcard). IP literals match iPAddress entries only.
 */

function normalise(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** Whether `hostname` matches one SAN dNSName `pattern`. */
export function hostnameMatchesPattern(hostname: string, pattern: string): boolean {
  const host = normalise(hostname);
  const name = normalise(pattern);
  if (host === "" || name === "" || host.includes("*")) return host !== "" && host === name;
  const hostLabels = host.split(".");
  const patternLabels = name.split(".");
  if (hostLabels.some((label) => label === "")) return false;
  if (patternLabels[0] !== "*") return !name.includes("*") && host === name;
  const rest = patternLabels.slice(1);
  if (rest.length < 2 || rest.some((label) => label === "" || label.includes("*"))) return false;
  if (hostLabels.length !== patternLabels.length) return false;
  // Wildcards never match IP literals.
  if (canonicalIp(host) !== null) return false;
  return hostLabels.slice(1).join(".") === rest.join(".");
}

/**
 * The SAN entry `hostname` matches (an iPAddress entry for IP literals), or null. Facts handed out by an inspector are
 * matched against every SAN entry of their certificate, not only the capped lists they carry.
 */
export function matchHostname(
  hostname: string,
  cert: Pick<CertificateFacts, "sanDnsNames" | "sanIpAddresses">,
): string | null {
  const all = loadedFromFacts(cert as CertificateFacts)?.allSans();
  const dnsNames = all?.dnsNames ?? cert.sanDnsNames;
  const ipAddresses = all?.ipAddresses ?? cert.sanIpAddresses;
  const ip = canonicalIp(hostname);
  if (ip !== null) return ipAddresses.find((entry) => canonicalIp(entry) === ip) ?? null;
  return dnsNames.find((pattern) => hostnameMatchesPattern(hostname, pattern)) ?? null;
}
