// A throwaway PostgreSQL server from Debian's postgresql package, for stacks kept in a team backend
// (`pulumi login postgres://…`): its own data folder and port, started and stopped by the test.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface Postgres {
  /** The backend URL for `pulumi login`. */
  url: string;
  stop(): Promise<void>;
}

const run = (cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { timeout: 120_000, env: { ...process.env, ...opts.env } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(" ")}: ${(stderr || err.message).trim()}`)) : resolve(stdout),
    ),
  );

/** Debian installs each major version's server under /usr/lib/postgresql/<major>/bin. */
function serverBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  const majors = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return majors.map((m) => path.join(root, m, "bin")).find((d) => fs.existsSync(path.join(d, "pg_ctl")));
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });

/** Why no server can run here, or undefined when one can: the only reason the backend tests may skip. */
export function postgresUnavailable(): string | undefined {
  if (serverBin()) return undefined;
  return "no PostgreSQL server is installed (Debian's postgresql package: /usr/lib/postgresql/<major>/bin/pg_ctl), so stacks in a PostgreSQL backend cannot be tested here";
}

/** A folder for the server; as root, under a temporary folder the postgres user can reach (else /tmp). */
async function serverFolder(root: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pak-postgres-"));
  if (!root) return dir;
  await run("chown", ["postgres:postgres", dir]);
  if (
    await run("runuser", ["-u", "postgres", "--", "test", "-w", dir]).then(
      () => true,
      () => false,
    )
  )
    return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  return fs.mkdtempSync(path.join("/tmp", "pak-postgres-"));
}

/**
 * Starts a server on a free port with a database `pulumi`. The server refuses to run as root, so as
 * root it runs as the `postgres` user the package made, in a folder that user owns.
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = serverBin();
  if (!bin) throw new Error(postgresUnavailable());
  const root = process.getuid?.() === 0;
  const dir = await serverFolder(root);
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, "data");
  fs.mkdirSync(data, { mode: 0o700 });
  if (root) await run("chown", ["-R", "postgres:postgres", dir]);
  const as = (cmd: string, args: string[]) => (root ? run("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args));
  const port = await freePort();
  await as("initdb", ["-D", data, "-A", "trust", "-U", "pulumi", "--no-sync"]);
  await as("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  await as("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "pulumi", "pulumi"]);
  return {
    url: `postgres://pulumi@127.0.0.1:${port}/pulumi?sslmode=disable`,
    async stop() {
      await as("pg_ctl", ["-D", data, "-w", "-m", "fast", "stop"]).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
