// The release's pieces in process: platform names, executable headers, checksums files, the release's
// arguments, and install-plugin --from against a release folder and over real HTTP, with every bad input
// refused by a coded error before anything is installed. (The release itself, built and downloaded by the
// engine, is test/e2e/plugin-release.test.ts.)
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseInstallArgs } from "../../provider/cli";
import { ApiKeysError } from "../../provider/core/errors";
import { fetchReleaseArchive, installPlugin, releaseFileLocation } from "../../provider/plugin/install";
import { archiveName, checksumsName, executableFormat, hostPlatform, parseChecksums } from "../../provider/plugin/platforms";
import { packageSchema, packageVersion } from "../../provider/plugin/schema";
import { checkBinary, parseReleaseArgs } from "../../scripts/release";

const VERSION = packageVersion();
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** A release folder holding one archive (any bytes serve: install-plugin checks them, it does not run them). */
function fakeRelease(): { dir: string; archive: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pak-fake-release-"));
  const archive = Buffer.from("an archive's bytes");
  fs.writeFileSync(path.join(dir, archiveName(VERSION, "linux-amd64")), archive);
  fs.writeFileSync(path.join(dir, checksumsName(VERSION)), `${sha(archive)}  ${archiveName(VERSION, "linux-amd64")}\n`);
  return { dir, archive };
}

async function rejectionOf(p: Promise<unknown>): Promise<ApiKeysError> {
  try {
    await p;
  } catch (e) {
    return e as ApiKeysError;
  }
  throw new Error("expected a rejection");
}

describe("platforms and executable headers", () => {
  test("the running node is an ELF or Mach-O executable for this machine's architecture", () => {
    const head = fs.readFileSync(process.execPath).subarray(0, 4096);
    const found = executableFormat(head);
    if (hostPlatform() === "linux-amd64") expect(found).toEqual({ format: "ELF", machine: 0x3e });
    else expect(found).toBeDefined();
    expect(executableFormat(Buffer.from("#!/bin/sh\necho not a binary\n"))).toBeUndefined();
  });

  test("Mach-O and PE headers are read for their machine", () => {
    const macho = Buffer.alloc(32);
    macho.writeUInt32LE(0xfeedfacf, 0);
    macho.writeUInt32LE(0x0100000c, 4);
    expect(executableFormat(macho)).toEqual({ format: "Mach-O", machine: 0x0100000c });
    const pe = Buffer.alloc(0x100);
    pe.write("MZ", 0, "latin1");
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write("PE\0\0", 0x80, "latin1");
    pe.writeUInt16LE(0x8664, 0x84);
    expect(executableFormat(pe)).toEqual({ format: "PE", machine: 0x8664 });
  });

  test("checkBinary refuses a binary of another format, and a Node binary with no bundle injected", () => {
    expect(() => checkBinary(process.execPath, "windows-amd64", Buffer.from("x"))).toThrow(/is not a PE executable for windows-amd64 \(found (ELF|Mach-O)/);
    if (hostPlatform() === "linux-amd64") expect(() => checkBinary(process.execPath, "linux-amd64", Buffer.from("x"))).toThrow(/the SEA fuse is not set/);
  });

  test("a checksums file is sha256sum's form; a line that is not names its line", () => {
    const d = sha("x");
    expect(parseChecksums(`${d}  a.tar.gz\n${d} *b.tar.gz\n\n`, "sums")).toEqual(
      new Map([
        ["a.tar.gz", d],
        ["b.tar.gz", d],
      ]),
    );
    expect(() => parseChecksums(`${d}  a.tar.gz\nnot a checksum\n`, "sums.txt")).toThrow('sums.txt line 2 is not "<sha256>  <file>"');
  });
});

describe("npm run release arguments", () => {
  test("defaults: every platform, the project's GitHub releases; the schema carries that URL", () => {
    const o = parseReleaseArgs([]);
    expect(o).toMatchObject({
      downloadUrl: "github://api.github.com/pulumi-api-keys/pulumi-api-keys",
      platforms: ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"],
    });
    expect(packageSchema()).toMatchObject({ pluginDownloadURL: "github://api.github.com/pulumi-api-keys/pulumi-api-keys" });
    expect(packageSchema(VERSION, "https://mirror.example.com/apikeys/")).toMatchObject({ pluginDownloadURL: "https://mirror.example.com/apikeys/" });
  });

  test("bad input names the flag and the rule", () => {
    expect(parseReleaseArgs(["--platform", "linux-amd64,solaris-sparc"])).toBe(
      "--platform: unknown platform solaris-sparc; the platforms are linux-amd64, linux-arm64, darwin-amd64, darwin-arm64, windows-amd64",
    );
    expect(parseReleaseArgs(["--download-url", "ftp://mirror"])).toMatch(/^--download-url must be an http\(s\):\/\/ URL or github:/);
    expect(parseReleaseArgs(["--out"])).toBe("--out needs a value");
    expect(parseReleaseArgs(["--sign", "x"])).toBe("unknown option --sign");
  });
});

describe("install-plugin --from", () => {
  test("where a release's files are: a folder, an http(s) URL with Pulumi's placeholders, github://", () => {
    const file = archiveName("1.2.3", "linux-arm64");
    expect(releaseFileLocation("github://api.github.com/acme/keys", "1.2.3", "linux-arm64", file)).toBe(
      `https://github.com/acme/keys/releases/download/v1.2.3/${file}`,
    );
    expect(releaseFileLocation("https://mirror.example.com/apikeys/${VERSION}/${OS}-${ARCH}/", "1.2.3", "linux-arm64", file)).toBe(
      `https://mirror.example.com/apikeys/1.2.3/linux-arm64/${file}`,
    );
    expect(releaseFileLocation("rel", "1.2.3", "linux-arm64", file)).toBe(path.resolve("rel", file));
  });

  test("the arguments: --platform only with --from, unknown options refused", () => {
    expect(parseInstallArgs(["--from", "https://m/", "--platform", "linux-arm64", "--pack-only", "out"])).toEqual({
      from: "https://m/",
      platform: "linux-arm64",
      packOnly: "out",
    });
    expect(parseInstallArgs(["--platform", "linux-arm64"])).toMatch(/--platform goes with --from/);
    expect(parseInstallArgs(["--from"])).toBe("--from needs a value");
    expect(parseInstallArgs(["--force"])).toBe("unknown option --force");
  });

  test("from a folder: the archive is checked against the checksums; each bad input is a coded error and nothing is written", async () => {
    const { dir, archive } = fakeRelease();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pak-fetched-"));
    try {
      const got = await fetchReleaseArchive({ from: dir, platform: "linux-amd64", outDir: out });
      expect(fs.readFileSync(got)).toEqual(archive);
      fs.rmSync(got);

      const unknown = await rejectionOf(fetchReleaseArchive({ from: dir, platform: "solaris-sparc", outDir: out }));
      expect(unknown.code).toBe("PAK_PLUGIN_PLATFORM");
      expect(unknown.message).toMatch(/unknown platform "solaris-sparc": the platforms are linux-amd64, .*; nothing was installed/);

      const notBuilt = await rejectionOf(fetchReleaseArchive({ from: dir, platform: "darwin-arm64", outDir: out }));
      expect(notBuilt.code).toBe("PAK_PLUGIN_ARCHIVE");
      expect(notBuilt.message).toContain(`has no ${archiveName(VERSION, "darwin-arm64")} (its checksums file lists none`);

      fs.writeFileSync(path.join(dir, archiveName(VERSION, "linux-amd64")), "tampered");
      const tampered = await rejectionOf(fetchReleaseArchive({ from: dir, platform: "linux-amd64", outDir: out }));
      expect(tampered.code).toBe("PAK_PLUGIN_CHECKSUM");
      expect(tampered.message).toContain(`has sha256 ${sha("tampered")}, but`);
      expect(tampered.message).toContain(`says ${sha(archive)}`);

      fs.rmSync(path.join(dir, archiveName(VERSION, "linux-amd64")));
      const missing = await rejectionOf(fetchReleaseArchive({ from: dir, platform: "linux-amd64", outDir: out }));
      expect(missing.code).toBe("PAK_PLUGIN_ARCHIVE");

      const noSums = await rejectionOf(fetchReleaseArchive({ from: path.join(dir, "elsewhere"), platform: "linux-amd64", outDir: out }));
      expect(noSums.code).toBe("PAK_PLUGIN_ARCHIVE");
      expect(noSums.message).toMatch(/has no checksums file/);
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test("over HTTP: a 404 is a missing archive, a wrong byte a checksum error; another machine's platform is refused before pulumi runs", async () => {
    const { dir, archive } = fakeRelease();
    let corrupt = false;
    const server = http.createServer((req, res) => {
      const file = path.join(dir, path.basename(req.url ?? ""));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      const body = fs.readFileSync(file);
      if (corrupt && file.endsWith(".tar.gz")) body[0] = body[0]! ^ 1;
      res.writeHead(200).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "pak-fetched-"));
    try {
      expect(fs.readFileSync(await fetchReleaseArchive({ from: url, platform: "linux-amd64", outDir: out }))).toEqual(archive);
      corrupt = true;
      expect((await rejectionOf(fetchReleaseArchive({ from: url, platform: "linux-amd64", outDir: path.join(out, "x") }))).code).toBe("PAK_PLUGIN_CHECKSUM");
      expect(fs.existsSync(path.join(out, "x"))).toBe(false);
      fs.rmSync(path.join(dir, archiveName(VERSION, "linux-amd64")));
      const gone = await rejectionOf(fetchReleaseArchive({ from: url, platform: "linux-amd64", outDir: out }));
      expect(gone.code).toBe("PAK_PLUGIN_ARCHIVE");
      expect(gone.message).toContain(`${url}${archiveName(VERSION, "linux-amd64")}`);
      // Another machine's archive cannot be installed here: refused before the (missing) pulumi is run.
      const foreign = await rejectionOf(
        installPlugin({ from: url, platform: hostPlatform() === "windows-amd64" ? "linux-amd64" : "windows-amd64", pulumiBin: "/nonexistent/pulumi" }),
      );
      expect(foreign.code).toBe("PAK_PLUGIN_PLATFORM");
      expect(foreign.message).toMatch(/cannot run on this machine .*--pack-only DIR/);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
