// The platforms a release builds the plugin for, and what each archive, binary and checksums file is
// called: Pulumi's names (`pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz`, the binary at its root).
import { PACKAGE } from "../registry";

export interface PlatformSpec {
  /** The npm package whose bin/ holds this platform's Node runtime (node-<npm>). */
  npm: string;
  /** The binary's name inside the archive. */
  binary: string;
  /** Its executable format, and the machine field that format records for this architecture. */
  format: "ELF" | "Mach-O" | "PE";
  machine: number;
}

export const PLATFORMS = {
  "linux-amd64": { npm: "linux-x64", binary: `pulumi-resource-${PACKAGE}`, format: "ELF", machine: 0x3e },
  "linux-arm64": { npm: "linux-arm64", binary: `pulumi-resource-${PACKAGE}`, format: "ELF", machine: 0xb7 },
  "darwin-amd64": { npm: "darwin-x64", binary: `pulumi-resource-${PACKAGE}`, format: "Mach-O", machine: 0x01000007 },
  "darwin-arm64": { npm: "darwin-arm64", binary: `pulumi-resource-${PACKAGE}`, format: "Mach-O", machine: 0x0100000c },
  "windows-amd64": { npm: "win-x64", binary: `pulumi-resource-${PACKAGE}.exe`, format: "PE", machine: 0x8664 },
} as const satisfies Record<string, PlatformSpec>;

export type Platform = keyof typeof PLATFORMS;
export const PLATFORM_NAMES = Object.keys(PLATFORMS) as Platform[];

export function isPlatform(p: string): p is Platform {
  return Object.prototype.hasOwnProperty.call(PLATFORMS, p);
}

/** This machine's platform in Pulumi's words, or undefined where no release is built for it. */
export function hostPlatform(): Platform | undefined {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const p = `${os}-${arch}`;
  return isPlatform(p) ? p : undefined;
}

export const archiveName = (version: string, platform: Platform): string => `pulumi-resource-${PACKAGE}-v${version}-${platform}.tar.gz`;
export const checksumsName = (version: string): string => `pulumi-resource-${PACKAGE}-v${version}-checksums.txt`;

/** A checksums file in `sha256sum` form ("<64 hex>  <file name>" per line): file name -> digest. */
export function parseChecksums(text: string, source: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line.trim());
    if (!m) throw new Error(`${source} line ${i + 1} is not "<sha256>  <file>": ${JSON.stringify(line.slice(0, 80))}`);
    sums.set(m[2]!, m[1]!);
  }
  return sums;
}

/** The executable format and machine a binary's header records, or undefined when it is none of the three. */
export function executableFormat(head: Buffer): { format: PlatformSpec["format"]; machine: number } | undefined {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46 && head[4] === 2) return { format: "ELF", machine: head.readUInt16LE(18) };
  if (head.length >= 8 && head.readUInt32LE(0) === 0xfeedfacf) return { format: "Mach-O", machine: head.readUInt32LE(4) };
  if (head.length >= 0x40 && head.toString("latin1", 0, 2) === "MZ") {
    const pe = head.readUInt32LE(0x3c);
    if (head.length >= pe + 6 && head.toString("latin1", pe, pe + 4) === "PE\0\0") return { format: "PE", machine: head.readUInt16LE(pe + 4) };
  }
  return undefined;
}
