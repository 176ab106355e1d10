// `pulumi refresh` and `pulumi up --refresh` run the engine twice in one CLI run, a preview and then the
// real pass, each with its own provider process, and each reads every key. So every read's answer is
// also written down for the rest of the run: the second pass serves a key from the first's answer when
// both belong to the same `pulumi` process, the answer is younger than a listing may be (60 s), and
// nothing has been written in the scope since. What the preview showed is then what the refresh records.
//
// The notes live in a private temp directory, one per CLI run, sealed with AES-256-GCM under a key
// derived from the scope's credential (whoever can open them could list the keys anyway); ids are
// stored as keyed hashes, since a Statsig or Auth API key's id is its secret value.
import { createCipheriv, createDecipheriv, createHash, createHmac, hash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface Note {
  /** When the answer was taken (ms since the epoch). */
  t: number;
  /** The answer: an item, or null for "no such key". */
  v: unknown;
}

/** The `pulumi` process this one serves, as "pid-starttime" (a pid alone can be reused); undefined if there is none to find. */
export function cliRunId(): string | undefined {
  if (process.env.PULUMI_API_KEYS_RUN_CACHE === "off" || process.platform !== "linux") return undefined;
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 6; depth++) {
    const stat = procStat(pid);
    if (!stat) return undefined;
    if (stat.comm === "pulumi") return `${pid}-${stat.start}`;
    pid = stat.ppid;
  }
  return undefined;
}

function procStat(pid: number): { comm: string; ppid: number; start: string } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = s.lastIndexOf(")"); // comm may hold spaces and parentheses
    const rest = s.slice(close + 2).split(" ");
    return { comm: s.slice(s.indexOf("(") + 1, close), ppid: Number(rest[1]), start: rest[19]! };
  } catch {
    return undefined;
  }
}

/** The directory for this user's run notes, created private; undefined when it cannot be trusted. */
function baseDir(): string | undefined {
  const dir = path.join(os.tmpdir(), `pulumi-api-keys-${process.getuid?.() ?? "user"}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

let swept = false;
/** Removes the notes of CLI runs that have ended (once per process). */
function sweep(base: string): void {
  if (swept) return;
  swept = true;
  for (const name of fs.readdirSync(base)) {
    const [pid, start] = name.split("-");
    if (procStat(Number(pid))?.start !== start) fs.rmSync(path.join(base, name), { recursive: true, force: true });
  }
}

/**
 * Caches with notes not yet written, and one exit hook for them: both shared by every copy of this
 * module in the process (a test loads it afresh per simulated run), so the hook is added once.
 */
const UNWRITTEN = Symbol.for("pulumi-api-keys.unwritten-run-notes");
const shared = globalThis as { [UNWRITTEN]?: Set<{ flush(): void }> };
if (!shared[UNWRITTEN]) {
  shared[UNWRITTEN] = new Set();
  process.on("exit", writeRunNotes);
}
const unwritten = shared[UNWRITTEN];

/** Writes every note not yet written (see writeRunNotesWhenSettled in list-served-reads.ts for when). */
export function writeRunNotes(): void {
  for (const c of [...unwritten]) c.flush();
}

const WRITE_AFTER_MS = 50;
const WRITE_AT = 500;

export class RunCache {
  private notes?: Map<string, Note>;
  private readonly file: string;
  private readonly key: Buffer;
  private readonly keyHex: string;

  private constructor(
    dir: string,
    scope: string,
    secret: string,
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {
    this.key = createHmac("sha256", secret).update(`pulumi-api-keys run notes\0${scope}`).digest();
    this.keyHex = this.key.toString("hex");
    this.file = path.join(dir, createHash("sha256").update(scope).digest("hex").slice(0, 32) + ".log");
  }

  /** The run's notes for one scope, or undefined outside a `pulumi` run (or where notes cannot be kept privately). */
  static open(scope: string, secret: string, maxAgeMs: number, now: () => number = Date.now, runId = cliRunId()): RunCache | undefined {
    if (!runId) return undefined;
    const base = baseDir();
    if (!base) return undefined;
    try {
      sweep(base);
      const dir = path.join(base, runId);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      return new RunCache(dir, scope, secret, maxAgeMs, now);
    } catch {
      return undefined;
    }
  }

  /** The answer an earlier pass of this run got for `id`: `{ value }` (undefined: no such key), or undefined when there is none fresh. */
  get(id: string): { value: unknown } | undefined {
    const notes = this.load();
    if (!notes.size) return undefined; // the first pass of a run: no id to hash
    const note = notes.get(this.idHash(id));
    if (!note || this.now() - note.t > this.maxAgeMs) return undefined;
    return { value: note.v ?? undefined };
  }

  /** Writes down one answer (`undefined`: the key does not exist). */
  put(id: string, value: unknown, takenAt: number): void {
    const note: Note = { t: takenAt, v: value ?? null };
    const hash = this.idHash(id);
    this.load().set(hash, note);
    this.queue({ id: hash, ...note });
  }

  /** After a write in the scope: no earlier answer serves anyone again. */
  invalidate(): void {
    this.notes = new Map();
    this.queue({ invalidated: this.now() });
  }

  private readonly hashes = new Map<string, string>();
  /** An id's keyed hash, made once per id (a read asks for it twice: before and after). */
  private idHash(id: string): string {
    let h = this.hashes.get(id);
    if (h === undefined) {
      h = hash("sha256", `${this.keyHex}\0${id}`, "base64url"); // keyed: the key is secret, and fixed-length
      this.hashes.set(id, h);
    }
    return h;
  }

  private pending: Array<{ id: string; t: number; v: unknown } | { invalidated: number }> = [];
  /**
   * Notes are written in batches, each in one sealed line: a refresh answers a key or two per turn of the
   * event loop, and a file append and a cipher per answer cost more than the answers. A batch is written
   * after WRITE_AFTER_MS, at WRITE_AT notes, or when a diff finds no read waiting, whichever is first.
   * (An answer not written when the process ends costs one read later, no more.)
   */
  private queue(entry: RunCache["pending"][number]): void {
    if (!this.pending.length) {
      setTimeout(() => this.flush(), WRITE_AFTER_MS).unref(); // an exiting process writes them at exit instead
      unwritten.add(this);
    }
    this.pending.push(entry);
    if (this.pending.length >= WRITE_AT) this.flush();
  }

  flush(): void {
    const entries = this.pending;
    if (!entries.length) return;
    this.pending = [];
    unwritten.delete(this);
    const lines: string[] = [];
    let batch: Array<[string, number, unknown]> = [];
    const sealBatch = () => {
      if (batch.length) lines.push(JSON.stringify({ sealed: this.seal(JSON.stringify(batch)) }));
      batch = [];
    };
    for (const e of entries) {
      if ("invalidated" in e) {
        sealBatch();
        lines.push(JSON.stringify(e));
      } else batch.push([e.id, e.t, e.v]);
    }
    sealBatch();
    try {
      fs.appendFileSync(this.file, lines.join("\n") + "\n", { mode: 0o600 });
    } catch {
      /* a note not kept costs one read later, nothing more */
    }
  }

  private load(): Map<string, Note> {
    if (this.notes) return this.notes;
    const notes = new Map<string, Note>();
    let text = "";
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch {
      /* no notes yet */
    }
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const l = JSON.parse(line) as { sealed?: string; invalidated?: number };
        if (l.invalidated !== undefined) notes.clear();
        else if (l.sealed) for (const [id, t, v] of JSON.parse(this.open(l.sealed)) as Array<[string, number, unknown]>) notes.set(id, { t, v });
      } catch {
        /* a torn or foreign line is skipped */
      }
    }
    return (this.notes = notes);
  }

  private seal(text: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([c.update(text, "utf8"), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString("base64");
  }

  private open(sealed: string): string {
    const raw = Buffer.from(sealed, "base64");
    const d = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
  }
}
