/**
 * Argo CD ApplicationSets expanded without a cluster: the generators whose parameters the repository itself holds
 * (`list` elements, `git` directories and files of this repository) are resolved; every other generator (cluster,
 * matrix, merge, SCM provider, pull request, plugin…) and any template expression beyond a plain parameter is
 * reported as not resolved, never guessed.
 */
import picomatch from "picomatch";
import { parseYamlText } from "../source/load.js";
import { identityMapper, type LocatedDocument } from "../source/yaml-document.js";
import { asName, asObject, asString, isObject, type PlainObject } from "../model/values.js";
import { directoryOf } from "./kustomization.js";

export interface GeneratedApplication {
  name: string;
  setName: string;
  generator: string;
  /** The Application the template becomes with these parameters (`spec` holds its source). */
  value: PlainObject;
  /** The line of the generator element (list) or generator (git) that made it. */
  line: number;
}

export interface ApplicationSetRepository {
  isThisRepository(repoURL: string): boolean;
  /** Every directory of the repository ("" the root). */
  directories(): readonly string[];
  files(): readonly string[];
  text(path: string): string | undefined;
}

type Params = Map<string, string>;

interface Generated {
  applications: GeneratedApplication[];
  unresolved: { line: number; message: string }[];
}

export function expandApplicationSet(doc: LocatedDocument, repository: ApplicationSetRepository): Generated {
  const value = asObject(doc.value);
  const setName = asName(asObject(value.metadata).name) ?? "applicationset";
  const spec = asObject(value.spec);
  const template = asObject(spec.template);
  const goTemplate = spec.goTemplate === true;
  const result: Generated = { applications: [], unresolved: [] };
  const generators = Array.isArray(spec.generators) ? spec.generators : [];
  generators.forEach((generator, gi) => {
    const g = asObject(generator);
    const line = doc.locate(["spec", "generators", gi]).line;
    const produce = (params: Params, kind: string, at: number) => {
      const rendered = substitute(template, params);
      if (rendered.unresolved.length > 0) {
        result.unresolved.push({
          line: at,
          message: `ApplicationSet ${setName}: template expression ${rendered.unresolved.map((e) => `{{${e}}}`).join(", ")} cannot be resolved from the ${kind} generator's parameters; that application is not rendered`,
        });
        return;
      }
      const app = asObject(rendered.value);
      const name = asName(asObject(app.metadata).name);
      if (!name) return;
      result.applications.push({ name, setName, generator: kind, value: app, line: at });
    };
    if (isObject(g.list)) {
      const elements = Array.isArray(g.list.elements) ? g.list.elements : [];
      elements.forEach((element, ei) => {
        if (!isObject(element)) return;
        produce(flatten(element), "list", doc.locate(["spec", "generators", gi, "list", "elements", ei]).line);
      });
      if (g.list.elementsYaml !== undefined)
        result.unresolved.push({
          line,
          message: `ApplicationSet ${setName}: list elementsYaml is computed at run time and is not resolved`,
        });
      return;
    }
    if (isObject(g.git)) {
      const git = g.git;
      const repoURL = asString(git.repoURL) ?? "";
      if (!repository.isThisRepository(repoURL)) {
        result.unresolved.push({
          line,
          message: `ApplicationSet ${setName}: git generator reads ${repoURL}, not this repository`,
        });
        return;
      }
      for (const params of gitDirectories(git, repository, goTemplate)) produce(params, "git directories", line);
      for (const params of gitFiles(git, repository, goTemplate)) produce(params, "git files", line);
      return;
    }
    const kind = Object.keys(g).find((key) => key !== "selector" && key !== "values") ?? "unknown";
    result.unresolved.push({
      line,
      message: `ApplicationSet ${setName}: the ${kind} generator depends on the cluster or other services and is not resolved; its applications are not rendered`,
    });
  });
  return result;
}

/** Nested element values as dotted keys (`a.b`), as both of Argo CD's template styles read them. */
function flatten(value: PlainObject, prefix = "", into: Params = new Map()): Params {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(item)) flatten(item, name, into);
    else {
      const text = asString(item) ?? (typeof item === "boolean" ? String(item) : undefined);
      if (text !== undefined) into.set(name, text);
    }
  }
  return into;
}

/** Argo CD's path parameters of a directory (and, for a file generator, its file name). */
function pathParams(dir: string, file: string | undefined, goTemplate: boolean): Params {
  const params: Params = new Map();
  const segments = dir === "" ? [] : dir.split("/");
  const basename = segments[segments.length - 1] ?? "";
  const normalize = (text: string) => text.replace(/[^a-zA-Z0-9-]/g, "-").toLowerCase();
  // fasttemplate writes {{path}}, {{path.basename}}, {{path[0]}}; goTemplate {{.path.path}}, {{index .path.segments 0}}.
  params.set(goTemplate ? "path.path" : "path", dir);
  params.set("path.basename", basename);
  params.set("path.basenameNormalized", normalize(basename));
  if (file !== undefined) {
    const filename = file.slice(file.lastIndexOf("/") + 1);
    params.set("path.filename", filename);
    params.set("path.filenameNormalized", normalize(filename));
  }
  segments.forEach((segment, index) => params.set(`path[${index}]`, segment));
  return params;
}

function gitDirectories(git: PlainObject, repository: ApplicationSetRepository, goTemplate: boolean): Params[] {
  const entries = Array.isArray(git.directories) ? git.directories.map(asObject) : [];
  const include = entries.filter((e) => e.exclude !== true).flatMap((e) => asString(e.path) ?? []);
  const exclude = entries.filter((e) => e.exclude === true).flatMap((e) => asString(e.path) ?? []);
  if (include.length === 0) return [];
  const included = picomatch(include, { dot: false });
  const excluded = exclude.length > 0 ? picomatch(exclude, { dot: false }) : () => false;
  return repository
    .directories()
    .filter((dir) => dir !== "" && included(dir) && !excluded(dir))
    .map((dir) => pathParams(dir, undefined, goTemplate));
}

function gitFiles(git: PlainObject, repository: ApplicationSetRepository, goTemplate: boolean): Params[] {
  const patterns = (Array.isArray(git.files) ? git.files.map(asObject) : []).flatMap((e) => asString(e.path) ?? []);
  if (patterns.length === 0) return [];
  const match = picomatch(patterns, { dot: false });
  const result: Params[] = [];
  for (const file of repository.files().filter((f) => match(f))) {
    const text = repository.text(file) ?? "";
    let content: unknown;
    if (/\.json$/i.test(file)) {
      try {
        content = JSON.parse(text);
      } catch {
        content = undefined;
      }
    } else content = parseYamlText(text, file, identityMapper).documents[0]?.value;
    const items = Array.isArray(content) ? content : [content];
    for (const item of items) {
      if (!isObject(item)) continue;
      const params = flatten(item);
      for (const [key, value] of pathParams(directoryOf(file), file, goTemplate)) params.set(key, value);
      result.push(params);
    }
  }
  return result;
}

/** The template with every `{{param}}` / `{{ .param }}` replaced; expressions that are not a known parameter are listed. */
function substitute(template: unknown, params: Params): { value: unknown; unresolved: string[] } {
  const unresolved: string[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") {
      return node.replace(/\{\{-?\s*([^{}]*?)\s*-?\}\}/g, (whole, expression: string) => {
        const key = expression.replace(/^\./, "");
        const value = params.get(key);
        if (value === undefined) {
          unresolved.push(expression);
          return whole;
        }
        return value;
      });
    }
    if (Array.isArray(node)) return node.map(walk);
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
    return node;
  };
  const value = walk(template);
  return { value, unresolved: [...new Set(unresolved)] };
}
