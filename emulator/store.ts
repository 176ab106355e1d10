// The emulator's data: one JSON-serializable object, optionally saved to a file after every change
// so that state survives a restart (`--state FILE`).
import * as fs from "node:fs";

export interface StatsigKey {
  key: string;
  type: string;
  description: string;
  scopes: string[];
  environments: string[];
  primaryTargetApp: string | null;
  secondaryTargetApps: string[] | null;
  status: "active" | "deactivated";
  lastUsed: string | null;
  project: string; // which console key (project) owns it
}

export interface BasicKey {
  id: string;
  projectId: string;
  label: string;
  roles: string;
  value: string;
  is_private: boolean;
  created_at: string;
  updated_at: string;
  last_used: string | null;
}

export interface AuthApiKey {
  key: string;
  projectId: string;
  name: string;
  customMetaData: Record<string, unknown> | null;
  customAccountId: string | null;
  customUserId: string | null;
  env: "live" | "test";
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  expiresAt: string | null;
  rateLimitConfigs: { rateLimit?: number; rateLimitTtl?: number } | null;
}

export interface EmulatorData {
  statsig: StatsigKey[];
  basic: BasicKey[];
  authapi: AuthApiKey[];
}

export class Store {
  data: EmulatorData = { statsig: [], basic: [], authapi: [] };
  /** Whether the data came from an existing state file (then it is not seeded again). */
  readonly loaded: boolean = false;
  constructor(private readonly file?: string) {
    if (file && fs.existsSync(file)) {
      this.data = { ...this.data, ...JSON.parse(fs.readFileSync(file, "utf8")) };
      this.loaded = true;
    }
  }
  save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    fs.renameSync(tmp, this.file);
  }
  reset(): void {
    this.data = { statsig: [], basic: [], authapi: [] };
    this.save();
  }
}
