// `--import-file FILE`: a Pulumi bulk-import file (`pulumi import --file FILE`) adopting every unmanaged key
// the report lists, by its non-secret import id, each under a unique name made from its label and, where
// the stack keeps the vendor's account in an explicit provider, naming that provider.
import * as fs from "node:fs";
import { DriftReport, UnmanagedKey } from "./report";

/** The file `pulumi import --file` reads (its `importFile`/`importSpec`). */
export interface ImportFile {
  nameTable?: Record<string, string>;
  resources: Array<{ type: string; name: string; id: string; provider?: string }>;
}

/** "Server Secret Key" → "server-secret-key": a resource name every Pulumi language can turn into an identifier. */
export function nameFromLabel(label: string, api: string): string {
  const slug = label
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // accents off: "Ü" is "u"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  if (!slug) return `${api}-key`;
  return /^[a-z]/.test(slug) ? slug : `key-${slug}`;
}

/** The provider's name in its URN (`urn:…::pulumi:providers:apikeys::shop` → shop). */
const providerName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** The keys to adopt: unmanaged, not ignored (a key the team chose not to manage stays out). */
export const importable = (report: DriftReport): UnmanagedKey[] => report.unmanaged.filter((u) => !u.ignored && u.importId && u.importType);

/**
 * The import file for the report's unmanaged keys. Names are unique among themselves and the stack's
 * managed keys and providers; a clash is settled with the provider's name, then a number.
 */
export function importFileOf(report: DriftReport): ImportFile {
  const keys = importable(report);
  const providers = [...new Set(keys.map((u) => u.provider).filter((p): p is string => !!p))];
  const taken = new Set([...report.resources.map((x) => x.name), ...providers.map(providerName)]);
  const base = keys.map((u) => nameFromLabel(u.label, u.api));
  const clashes = (n: string) => base.filter((b) => b === n).length > 1 || taken.has(n);
  const resources = keys.map((u, i) => {
    let name = base[i]!;
    if (clashes(name) && u.provider) name = `${providerName(u.provider)}-${name}`;
    for (let n = 2, stem = name; taken.has(name); n++) name = `${stem}-${n}`;
    taken.add(name);
    return { type: u.importType!, name, id: u.importId!, ...(u.provider ? { provider: providerName(u.provider) } : {}) };
  });
  return { ...(providers.length ? { nameTable: Object.fromEntries(providers.map((p) => [providerName(p), p])) } : {}), resources };
}

export function writeImportFile(file: string, report: DriftReport): ImportFile {
  const f = importFileOf(report);
  fs.writeFileSync(file, JSON.stringify(f, null, 2) + "\n");
  return f;
}
