import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const EXAMPLE_ROOT = fileURLToPath(new URL("../../../examples/gitops/", import.meta.url));

/** The example GitOps repository (every file, by repository path) as the base tree of the app's tests. */
export function exampleRepository(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[relative(EXAMPLE_ROOT, full).split("\\").join("/")] = readFileSync(full, "utf8");
    }
  };
  walk(EXAMPLE_ROOT);
  return files;
}

/** `count` Mappings in one file, each naming a TLSContext that does not exist: one error each, on its `tls:` line. */
export function brokenMappings(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    docs.push(
      [
        "apiVersion: getambassador.io/v3alpha1",
        "kind: Mapping",
        "metadata:",
        `  name: broken-${i}`,
        "  namespace: payments",
        "spec:",
        `  prefix: /broken-${i}/`,
        `  service: broken-${i}`,
        `  tls: missing-context-${i}`,
      ].join("\n"),
    );
  }
  return docs.join("\n---\n") + "\n";
}
