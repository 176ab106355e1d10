// `pulumi-resource-apikeys`: the native Pulumi plugin. It serves Pulumi's ResourceProvider gRPC protocol
// with the SDK's generated stubs and runs the same lifecycle as the dynamic resources (each API's
// provider module). Served directly rather than through `@pulumi/pulumi/provider`, whose server sends
// no detailed diff and does not pass provider arguments to the provider.

import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import { UNKNOWN } from "../core/checks";
import { nameSettingsIn, providerSettingsSource } from "../core/config";
import { setMemberChanges } from "../core/diff";
import { dueMessage } from "../core/rotation";
import { asApiKeysError } from "../core/errors";
import { diff, LifecycleProvider, rotatesNow } from "../core/lifecycle";
import { setNoticeSink } from "../core/notice";
import { redact } from "../core/redact";
import { ApiEntry, ENTRIES, nativeTypeOf, PACKAGE } from "../registry";
import { packageSchema, packageVersion, secretFields } from "./schema";

// The SDK's gRPC stubs and runtime: plain requires, so the release's bundler follows them. Run from the npm
// package, they resolve beside it (the install-plugin tarball copies them there; npm hoists them).
const grpc = require("@grpc/grpc-js") as typeof grpcTypes;
const structproto = require("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const emptyproto = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
const anyproto = require("google-protobuf/google/protobuf/any_pb") as { Any: new () => { pack(b: Uint8Array, name: string): void } };
const provproto = require("@pulumi/pulumi/proto/provider_pb") as typeof provTypes;
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderService: grpcTypes.ServiceDefinition };
const plugproto = require("@pulumi/pulumi/proto/plugin_pb") as { PluginInfo: new () => { setVersion(v: string): void } };
const statusproto = require("@pulumi/pulumi/proto/status_pb") as {
  Status: new () => { setCode(c: number): void; setMessage(m: string): void; addDetails(d: unknown): void; serializeBinary(): Uint8Array };
};
const engineproto = require("@pulumi/pulumi/proto/engine_pb") as {
  LogRequest: new () => { setSeverity(s: number): unknown; setMessage(m: string): unknown; setUrn(u: string): unknown };
  LogSeverity: { WARNING: number; INFO: number };
};
const enginerpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
  EngineClient: new (addr: string, creds: grpcTypes.ChannelCredentials) => { log(req: unknown, cb: (err: unknown) => void): void };
};

/** The wire markers of a secret value and of a value not known until apply. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

/** A value in the wire form of a secret. */
const asSecret = <T>(value: T) => ({ [SECRET_SIG]: SECRET_VALUE, value });

/** Struct -> plain values, and the top-level fields that held a secret anywhere inside. */
export function unwrap(struct: structTypes.Struct | undefined): { values: Props; secrets: Set<string> } {
  const secrets = new Set<string>();
  const values: Props = {};
  const plain = (v: unknown, field: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => plain(x, field));
    if (v && typeof v === "object") {
      const o = v as Props;
      if (o[SECRET_SIG] === SECRET_VALUE) {
        secrets.add(field);
        return plain(o.value, field);
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x, field)]));
    }
    return v;
  };
  for (const [k, v] of Object.entries(struct?.toJavaScript() ?? {})) values[k] = plain(v, k);
  return { values, secrets };
}

/** Plain values -> Struct, each named field wrapped as a secret. `undefined` fields are left out. */
export function wrap(values: Props, secrets: Iterable<string>): structTypes.Struct {
  const secret = new Set(secrets);
  const out: Record<string, structTypes.JavaScriptValue> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const json = JSON.parse(JSON.stringify(v)) as structTypes.JavaScriptValue;
    out[k] = secret.has(k) ? asSecret(json) : json;
  }
  return structproto.Struct.fromJavaScript(out);
}

/** The resource type in a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop()!;
}

type Callback = grpcTypes.sendUnaryData<unknown>;
type Call<T> = grpcTypes.ServerUnaryCall<T, unknown>;

/** A failure as gRPC sends it: redacted, and for a key made but not finished, what exists now. */
function grpcError(e: unknown): grpcTypes.ServiceError {
  const err = e as { message?: string; id?: string; properties?: Props; reasons?: string[] };
  const message = redact(err.message ?? asApiKeysError(e).message);
  const metadata = new grpc.Metadata();
  if (err.id) {
    // Made, but not as declared: the engine records it (marked as not fully initialised), so the next `up` finishes the job.
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(err.id);
    detail.setProperties(structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(err.properties ?? {}))));
    detail.setReasonsList(err.reasons ?? [message]);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata });
}

function handle<T>(fn: (req: T) => Promise<unknown>) {
  return (call: Call<T>, callback: Callback) => {
    fn(call.request).then(
      (resp) => callback(null, resp),
      (e: unknown) => callback(grpcError(e), null),
    );
  };
}

export class ApiKeysProviderServer {
  private engineAddr?: string;
  private readonly providers = new Map<ApiEntry, LifecycleProvider>();

  constructor(engineAddr?: string) {
    this.engineAddr = engineAddr;
    nameSettingsIn(PACKAGE);
    // Warnings (a Basic key imported without its value) go to the engine's log, under the stack.
    setNoticeSink((message, level) => this.log(message, level));
  }

  private log(message: string, level: "warn" | "info" = "warn"): Promise<void> {
    const addr = this.engineAddr;
    if (!addr) return Promise.resolve(void process.stderr.write(`${level}: ${message}\n`));
    const req = new engineproto.LogRequest();
    req.setSeverity(level === "info" ? engineproto.LogSeverity.INFO : engineproto.LogSeverity.WARNING);
    req.setMessage(redact(message));
    req.setUrn("");
    const client = new enginerpc.EngineClient(addr, grpc.credentials.createInsecure());
    return new Promise((resolve) => client.log(req, () => resolve()));
  }

  private entryOf(urn: string): ApiEntry {
    const type = typeOfUrn(urn);
    const e = ENTRIES.find((x) => nativeTypeOf(x) === type);
    if (!e) throw new Error(`unknown resource type ${type}: this plugin serves ${ENTRIES.map(nativeTypeOf).join(", ")}`);
    return e;
  }

  private provider(e: ApiEntry): LifecycleProvider {
    const p = this.providers.get(e);
    if (!p) throw new Error("the provider was used before it was configured");
    return p;
  }

  /** A request's resource, two of its property sets unwrapped, and every secret field among them and in the schema. */
  private request(urn: string, first: Parameters<typeof unwrap>[0], second: Parameters<typeof unwrap>[0]) {
    const e = this.entryOf(urn);
    const [a, b] = [unwrap(first), unwrap(second)];
    return { e, a, b, secrets: this.secretsOf(e, new Set([...a.secrets, ...b.secrets])) };
  }

  /** Secret fields of a resource: the schema's, and any input that came in as a secret. */
  private secretsOf(e: ApiEntry, from: Set<string>): Set<string> {
    return new Set([...secretFields(e), ...from]);
  }

  service(): grpcTypes.UntypedServiceImplementation {
    const s = {
      handshake: handle(async (req: provTypes.ProviderHandshakeRequest) => {
        this.engineAddr = req.getEngineAddress() || this.engineAddr;
        const resp = new provproto.ProviderHandshakeResponse();
        resp.setAcceptSecrets(true);
        resp.setAcceptResources(true);
        resp.setAcceptOutputs(false);
        return resp;
      }),
      getPluginInfo: handle(async () => {
        const info = new plugproto.PluginInfo();
        info.setVersion(packageVersion());
        return info;
      }),
      getSchema: handle(async (req: provTypes.GetSchemaRequest) => {
        const resp = new provproto.GetSchemaResponse();
        resp.setSchema(JSON.stringify(packageSchema()));
        void req;
        return resp;
      }),
      attach: handle(async (req: { getAddress(): string }) => {
        this.engineAddr = req.getAddress();
        return new emptyproto.Empty();
      }),
      cancel: handle(async () => new emptyproto.Empty()),
      getMapping: handle(async () => new provproto.GetMappingResponse()),
      getMappings: handle(async () => new provproto.GetMappingsResponse()),

      checkConfig: handle(async (req: provTypes.CheckRequest) => {
        // Settings are checked where they are used (a bad timeout names its setting); secrets pass as they came.
        const resp = new provproto.CheckResponse();
        resp.setInputs(req.getNews());
        return resp;
      }),
      diffConfig: handle(async (req: provTypes.DiffRequest) => {
        // A new credential or endpoint is an update of the provider, never a replacement: replacing it
        // would replace every key it manages.
        const olds = unwrap(req.getOlds()).values;
        const news = unwrap(req.getNews()).values;
        const resp = new provproto.DiffResponse();
        const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
          (k) => k !== "version" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
        );
        resp.setChanges(changed.length ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
        for (const k of changed) resp.getDetaileddiffMap().set(k, propertyDiff(k in olds ? (k in news ? "update" : "delete") : "add", false));
        resp.setHasdetaileddiff(true);
        return resp;
      }),
      configure: handle(async (req: provTypes.ConfigureRequest) => {
        let args = unwrap(req.getArgs()).values;
        if (!req.hasArgs()) {
          args = {};
          for (const [k, v] of req.getVariablesMap().entries()) args[k.split(":").pop()!] = v;
        }
        const config = providerSettingsSource(args);
        for (const e of ENTRIES) {
          const p = e.provider();
          await p.configure({ config });
          this.providers.set(e, p);
        }
        const resp = new provproto.ConfigureResponse();
        resp.setAcceptsecrets(true);
        resp.setAcceptresources(true);
        resp.setSupportspreview(true);
        return resp;
      }),

      check: handle(async (req: provTypes.CheckRequest) => {
        const e = this.entryOf(req.getUrn());
        const olds = unwrap(req.getOlds());
        const news = unwrap(req.getNews());
        const r = await this.provider(e).check(olds.values, news.values);
        const resp = new provproto.CheckResponse();
        if (r.failures?.length) {
          // No property named: the engine would print that input's value beside the failure. The field
          // is named in the reason.
          resp.setFailuresList(
            r.failures.map((f) => {
              const cf = new provproto.CheckFailure();
              cf.setProperty("");
              cf.setReason(f.property ? `${f.property}: ${f.reason}` : f.reason);
              return cf;
            }),
          );
          resp.setInputs(req.getNews());
        } else resp.setInputs(wrap(r.inputs ?? {}, this.secretsOf(e, news.secrets)));
        return resp;
      }),
      diff: handle(async (req: provTypes.DiffRequest) => {
        const e = this.entryOf(req.getUrn());
        const olds = unwrap(req.getOlds()).values;
        const news = unwrap(req.getNews()).values;
        const d = diff(e.policy, olds, news, e.rotation); // no note on sets: the detailed diff names their members
        const resp = new provproto.DiffResponse();
        resp.setChanges(d.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
        resp.setReplacesList(d.replaces);
        resp.setDeletebeforereplace(d.deleteBeforeReplace);
        const detailed = resp.getDetaileddiffMap();
        for (const field of d.changed) {
          const [was, is] = [olds[field], news[field]];
          if (e.policy[field] === "set" && Array.isArray(was) && Array.isArray(is) && was.length && is.length) {
            // Members added and removed, not positions shifting.
            for (const [p, kind] of Object.entries(setMemberChanges(field, was, is))) detailed.set(p, propertyDiff(kind, false));
            continue;
          }
          const kind = was === undefined ? "add" : is === undefined ? "delete" : "update";
          detailed.set(field, propertyDiff(kind, d.replaces.includes(field)));
        }
        if (d.due) {
          // Due by age: the value (and rotatedAt) changes; the log says why.
          detailed.set("rotatedAt", propertyDiff("update", e.rotation === "replace", false));
          await this.log(`${req.getUrn().split("::").pop()}: ${dueMessage(d.due)}`, "info");
        }
        // A previous key whose overlap ended: the update retires it and clears its outputs.
        if (d.retires) detailed.set("previousRetiresAt", propertyDiff("delete", false, false));
        await this.provider(e).notePrevious(req.getUrn().split("::").pop()!, olds, d.retires);
        // Only a refresh's record of the declaration differs: the update settles it (and drops it).
        if (d.changes && !d.changed.length && olds.declared !== undefined) detailed.set("declared", propertyDiff("delete", false, false));
        resp.setHasdetaileddiff(true);
        return resp;
      }),
      create: handle(async (req: provTypes.CreateRequest) => {
        const e = this.entryOf(req.getUrn());
        const inputs = unwrap(req.getProperties());
        // A preview: nothing is made; the outputs are unknown until the update (an empty id says so).
        if (req.getPreview()) {
          const resp = new provproto.CreateResponse();
          resp.setProperties(wrap({ ...unknownOutputs(e), ...inputs.values }, this.secretsOf(e, inputs.secrets)));
          return resp;
        }
        const r = await this.provider(e)
          .create(inputs.values)
          .catch(rethrowWithSecretsMarked(this.secretsOf(e, inputs.secrets)));
        const resp = new provproto.CreateResponse();
        resp.setId(r.id);
        resp.setProperties(wrap(r.outs, this.secretsOf(e, inputs.secrets)));
        return resp;
      }),
      read: handle(async (req: provTypes.ReadRequest) => {
        const { e, a: props, secrets } = this.request(req.getUrn(), req.getProperties(), req.getInputs());
        const p = this.provider(e);
        // No state: `pulumi import` (or the `import` option) names the key by its import id.
        const r = Object.keys(props.values).length ? await p.read(req.getId(), props.values) : await p.adopt(req.getId());
        const resp = new provproto.ReadResponse();
        if (!r.props) return resp; // gone: an empty id tells the engine
        resp.setId(r.id ?? req.getId());
        resp.setProperties(wrap(r.props, secrets));
        if (r.inputs) resp.setInputs(wrap(r.inputs, secrets));
        return resp;
      }),
      update: handle(async (req: provTypes.UpdateRequest) => {
        const { e, a: olds, b: news, secrets } = this.request(req.getUrn(), req.getOlds(), req.getNews());
        if (req.getPreview()) {
          // A preview changes nothing: the declared inputs over the current outputs.
          const resp = new provproto.UpdateResponse();
          resp.setProperties(wrap({ ...olds.values, ...news.values, ...(rotatesNow(olds.values, news.values) ? unknownOutputs(e) : {}) }, secrets));
          return resp;
        }
        const r = await this.provider(e).update(req.getId(), olds.values, news.values).catch(rethrowWithSecretsMarked(secrets));
        const resp = new provproto.UpdateResponse();
        resp.setProperties(wrap(r.outs, secrets));
        return resp;
      }),
      delete: handle(async (req: provTypes.DeleteRequest) => {
        const e = this.entryOf(req.getUrn());
        await this.provider(e).delete(req.getId(), unwrap(req.getProperties()).values);
        return new emptyproto.Empty();
      }),
    };
    const unimplemented = (name: string) => (_call: unknown, callback: Callback) =>
      callback(Object.assign(new Error(`${name} is not implemented`), { code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented` }), null);
    for (const name of ["invoke", "streamInvoke", "call", "construct", "parameterize", "getPluginInfo"]) {
      if (!(name in s)) (s as Record<string, unknown>)[name] = unimplemented(name);
    }
    return s as unknown as grpcTypes.UntypedServiceImplementation;
  }
}

/** The outputs every create and rotation sets, as "not known until the update" (a preview of either). */
function unknownOutputs(e: ApiEntry): Props {
  return Object.fromEntries(e.fields.filter((f) => f.computed).map((f) => [f.name, UNKNOWN]));
}

/** Rethrows a failure; a key made but not finished keeps its properties, secret fields marked (they go into state). */
const rethrowWithSecretsMarked =
  (secrets: Set<string>) =>
  (err: { properties?: Props }): never => {
    if (err.properties) err.properties = Object.fromEntries(Object.entries(err.properties).map(([k, v]) => [k, secrets.has(k) ? asSecret(v) : v]));
    throw err;
  };

function propertyDiff(kind: "add" | "update" | "delete", replace: boolean, inputDiff = true): provTypes.PropertyDiff {
  const K = provproto.PropertyDiff.Kind;
  const pd = new provproto.PropertyDiff();
  const kinds = replace ? { add: K.ADD_REPLACE, update: K.UPDATE_REPLACE, delete: K.DELETE_REPLACE } : { add: K.ADD, update: K.UPDATE, delete: K.DELETE };
  pd.setKind(kinds[kind]);
  pd.setInputdiff(inputDiff);
  return pd;
}

/** Starts the plugin: serves on a free local port and prints it, as the engine expects. */
export async function serve(args: string[]): Promise<void> {
  // Flags the engine may pass before its address (--logtostderr, -v=9, --tracing <endpoint>, --logflow).
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--tracing") i++;
    else if (!a.startsWith("-")) positional.push(a);
  }
  const server = new grpc.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400, "grpc.max_send_message_length": 1024 * 1024 * 400 });
  server.addService(provrpc.ResourceProviderService, new ApiKeysProviderServer(positional[0]).service());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`${port}\n`);
}
