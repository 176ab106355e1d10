// Checks requests and responses against the vendors' OpenAPI files with ajv. It never sees the
// client's zod schemas, so a mistake in one cannot hide in the other.
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

type Json = Record<string, any>;

export interface Violation {
  where: string;
  errors: string[];
}

interface OperationValidators {
  body?: ValidateFunction;
  bodyRequired: boolean;
  query: Map<string, { validate: ValidateFunction; required: boolean }>;
  responses: Map<string, ValidateFunction>; // status ("200", "default") -> validator
}

// Run from source (ts-jest) or from dist/emulator: the YAML files stay in emulator/openapi.
export const SPEC_DIR = [path.join(__dirname, "openapi"), path.resolve(__dirname, "..", "..", "emulator", "openapi")].find((d) => fs.existsSync(d))!;

/** One OpenAPI document: route matching plus request/response validation. */
export class OpenApiDocument {
  private readonly ajv: Ajv;
  private readonly ops = new Map<string, OperationValidators>();
  readonly routes: Array<{ method: string; template: string; regex: RegExp; names: string[] }> = [];

  constructor(
    readonly id: string,
    readonly doc: Json,
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: id, components: doc.components ?? {} });
    for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
      const shared: Json[] = item.parameters ?? [];
      for (const method of ["get", "post", "patch", "put", "delete"]) {
        const op: Json | undefined = item[method];
        if (!op) continue;
        const names: string[] = [];
        const regex = new RegExp("^" + template.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), "([^/]+)")) + "$");
        this.routes.push({ method: method.toUpperCase(), template, regex, names });
        this.ops.set(`${method.toUpperCase()} ${template}`, this.compileOp(op, shared));
      }
    }
    // Most specific first: literal segments beat parameters (/keys/{id}/rotate before /keys/{id}).
    this.routes.sort((a, b) => b.template.split("/").length - a.template.split("/").length || a.template.localeCompare(b.template));
  }

  static load(file: string, id: string): OpenApiDocument {
    return new OpenApiDocument(id, parse(fs.readFileSync(path.join(SPEC_DIR, file), "utf8")));
  }

  private schema(s: Json): ValidateFunction {
    const rewritten = JSON.parse(JSON.stringify(s).replace(/"\$ref":"#\/components\//g, `"$ref":"${this.id}#/components/`));
    return this.ajv.compile(rewritten);
  }

  private compileOp(op: Json, shared: Json[]): OperationValidators {
    const v: OperationValidators = { bodyRequired: false, query: new Map(), responses: new Map() };
    const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
    if (bodySchema) {
      v.body = this.schema(bodySchema);
      v.bodyRequired = op.requestBody.required === true;
    }
    for (const p of [...shared, ...(op.parameters ?? [])]) {
      if (p.in !== "query") continue;
      // Query values arrive as strings: validate them with type coercion, against a copy.
      const ajvQ = new Ajv({ strict: false, coerceTypes: true });
      const s = { ...(p.schema ?? {}) };
      if (s.oneOf) delete s.oneOf; // statsig's limit/page say `oneOf: [string, number]` beside `type: integer`
      v.query.set(p.name, { validate: ajvQ.compile(s), required: p.required === true });
    }
    for (const [status, r] of Object.entries<Json>(op.responses ?? {})) {
      const s = r.content?.["application/json"]?.schema;
      if (s) v.responses.set(status, this.schema(s));
    }
    return v;
  }

  /** Finds the operation for a method and concrete path. */
  match(method: string, pathname: string): { template: string; params: Record<string, string> } | undefined {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      return { template: r.template, params };
    }
    return undefined;
  }

  hasPath(pathname: string): boolean {
    return this.routes.some((r) => r.regex.test(pathname));
  }

  validateRequest(method: string, template: string, query: URLSearchParams, body: unknown, hasBody: boolean): Violation | undefined {
    const v = this.ops.get(`${method} ${template}`);
    if (!v) return { where: "route", errors: [`${method} ${template} is not in the OpenAPI document`] };
    const errors: string[] = [];
    for (const [name, q] of v.query) {
      const raw = query.get(name);
      if (raw === null) {
        if (q.required) errors.push(`query parameter ${name} is required`);
        continue;
      }
      const holder = { value: raw as unknown };
      const ok = q.validate(holder.value);
      if (!ok) errors.push(`query parameter ${name}: ${this.ajv.errorsText(q.validate.errors)}`);
    }
    if (v.body) {
      if (!hasBody) {
        if (v.bodyRequired) errors.push("request body is required");
      } else if (!v.body(body)) {
        errors.push(...(v.body.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`));
      }
    }
    return errors.length ? { where: "request", errors } : undefined;
  }

  /** Validates a response body for a documented status; undocumented statuses are checked by the caller. */
  validateResponse(method: string, template: string, status: number, body: unknown): Violation | undefined {
    const v = this.ops.get(`${method} ${template}`);
    const fn = v?.responses.get(String(status)) ?? v?.responses.get("default");
    if (!fn) return undefined;
    if (fn(body)) return undefined;
    return { where: `response ${status}`, errors: (fn.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`) };
  }

  documentedStatus(method: string, template: string, status: number): boolean {
    return this.ops.get(`${method} ${template}`)?.responses.has(String(status)) ?? false;
  }
}
