// docs/REFERENCE.md, generated from the plugin's schema (`npm run reference`): every resource's inputs and
// outputs with their descriptions, what forces a replacement, what is secret, and the provider settings.
import { stringify } from "yaml";
import { ENTRIES, nativeTypeOf } from "../registry";
import { packageSchema } from "./schema";

interface Prop {
  type?: string;
  items?: { type?: string };
  $ref?: string;
  description?: string;
  secret?: boolean;
  willReplaceOnChanges?: boolean;
}

function typeOf(p: Prop): string {
  if (p.$ref === "pulumi.json#/Any") return "any";
  if (p.$ref) return p.$ref.split(":").pop()!;
  if (p.type === "array") return `list of ${p.items?.type ?? "any"}`;
  return p.type === "object" ? "object (any JSON)" : (p.type ?? "any");
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n+/g, " ");

function table(props: Record<string, Prop>, required: string[], asInput: boolean): string {
  const rows = Object.entries(props).map(([name, p]) => {
    const marks = [
      required.includes(name) && asInput ? "required" : "",
      p.secret ? "**secret**" : "",
      asInput && p.willReplaceOnChanges ? "**replaces**" : "",
    ].filter(Boolean);
    return `| \`${name}\` | ${typeOf(p)} | ${marks.join(", ")} | ${cell(p.description ?? "")} |`;
  });
  return ["| name | type | | description |", "|---|---|---|---|", ...rows].join("\n");
}

export function referenceMarkdown(schema = packageSchema()): string {
  const s = schema as {
    version: string;
    provider: { description: string; inputProperties: Record<string, Prop> };
    resources: Record<string, { description: string; properties: Record<string, Prop>; inputProperties: Record<string, Prop>; requiredInputs: string[] }>;
    types: Record<string, { description: string; properties: Record<string, Prop>; required: string[] }>;
  };
  const out = [
    "# `apikeys` plugin reference",
    "",
    `Generated from the plugin's schema (version ${s.version}) by \`npm run reference\`; do not edit by hand.`,
    `The dynamic classes (${Object.keys(s.resources)
      .map((token) => `\`${token.split(":").slice(1).join(".")}\``)
      .join(", ")}) take the same inputs and give the same outputs.`,
    "",
    "## Provider `pulumi:providers:apikeys`",
    "",
    s.provider.description,
    "Each setting is also stack config `apikeys:<name>` for the default provider.",
    "",
    table(s.provider.inputProperties, [], true),
  ];
  for (const [token, r] of Object.entries(s.resources)) {
    const inputs = new Set(Object.keys(r.inputProperties));
    const outputsOnly = Object.fromEntries(Object.entries(r.properties).filter(([k]) => !inputs.has(k)));
    out.push("", `## \`${token}\``, "", cell(r.description), "", "### Inputs", "", table(r.inputProperties, r.requiredInputs, true));
    out.push("", "### Outputs", "", "Every input, in canonical form, and:", "", table(outputsOnly, [], false));
    const example = ENTRIES.find((e) => nativeTypeOf(e) === token)?.example;
    if (example)
      out.push("", "### Example (Pulumi YAML)", "", "```yaml", stringify({ resources: { key: { type: token, properties: example } } }).trimEnd(), "```");
  }
  for (const [token, t] of Object.entries(s.types)) out.push("", `## Type \`${token}\``, "", t.description, "", table(t.properties, t.required, true));
  return `${out.join("\n")}\n`;
}

if (require.main === module) process.stdout.write(referenceMarkdown());
