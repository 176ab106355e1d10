// The files the drift command writes (--output, --json-output, --import-file), checked before any stack is
// read, so that a path that cannot be written fails at once and leaves nothing half done.
import * as fs from "node:fs";
import * as path from "node:path";
import { ApiKeysError } from "../core/errors";

/** Fails when FILE cannot be written: its folder missing or read-only, or FILE a folder or read-only. */
export function checkWritable(flag: string, file: string): void {
  const problem = (why: string) => new ApiKeysError("PAK_INVALID_INPUT", "user", `${flag} ${file}: cannot write it (${why})`);
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw problem(`no folder ${dir}`);
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw problem("it is a folder");
    try {
      fs.accessSync(file, fs.constants.W_OK);
    } catch {
      throw problem("it is read-only");
    }
    return;
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw problem(`the folder ${dir} is read-only`);
  }
}
