/** A Mapping's `service:` as Emissary reads it: `[scheme://]host[:port][/path]`. */
export interface ParsedService {
  raw: string;
  /** Lower-cased scheme when one was written. */
  scheme: string | undefined;
  host: string;
  port: number | undefined;
  /** A path or query after the authority: Emissary ignores it with an error. */
  path: string | undefined;
  /** Why the string cannot be used at all (the Mapping is rejected). */
  malformed: string | undefined;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

export function parseService(raw: string): ParsedService {
  let rest = raw.trim();
  let scheme: string | undefined;
  const schemeMatch = SCHEME.exec(rest);
  if (schemeMatch) {
    scheme = (schemeMatch[1] ?? "").toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  }
  let path: string | undefined;
  const pathStart = rest.search(/[/?#]/);
  if (pathStart >= 0) {
    path = rest.slice(pathStart);
    rest = rest.slice(0, pathStart);
  }
  let host = rest;
  let port: number | undefined;
  let malformed: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  const portText = bracketed ? bracketed[2] : rest.includes(":") ? rest.slice(rest.lastIndexOf(":") + 1) : undefined;
  if (bracketed) host = bracketed[1] ?? "";
  else if (portText !== undefined) host = rest.slice(0, rest.lastIndexOf(":"));
  if (portText !== undefined) {
    if (/^\d{1,5}$/.test(portText) && Number(portText) <= 65535) port = Number(portText);
    else malformed = `port "${portText}" is not a number from 0 to 65535`;
  }
  if (!host) malformed = malformed ?? "it names no host";
  else if (!bracketed && !/^[A-Za-z0-9_.-]+$/.test(host)) malformed = malformed ?? `host "${host}" is not a valid host name`;
  return { raw, scheme, host, port, path, malformed };
}
