// `npm test`: unit, contract and e2e. `npm run test:quick`: unit and contract (no Pulumi CLI).
// `npm run test:reliability`: the untimed reliability tests two at a time, then the timed ones alone.
const tsJest = { "^.+\\.ts$": ["ts-jest", { tsconfig: "test/tsconfig.json" }] };
// .test-run/ holds this run's unpacked package: another package.json named pulumi-api-keys, which jest's
// module map would otherwise warn about.
const base = { transform: tsJest, testEnvironment: "node", modulePathIgnorePatterns: ["<rootDir>/.test-run/"] };
// The projects that install the package get it from one `npm pack` per run.
const packed = { globalSetup: "<rootDir>/test/support/global-setup.ts" };
module.exports = {
  projects: [
    { ...base, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    { ...base, displayName: "contract", testMatch: ["<rootDir>/test/contract/**/*.test.ts"] },
    { ...base, ...packed, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"], slowTestThreshold: 120 },
    // Untimed: what they assert does not depend on the machine's load, so two may share it.
    { ...base, ...packed, displayName: "reliability", testMatch: ["<rootDir>/test/reliability/*.test.ts"], slowTestThreshold: 600 },
    // Timed: they compare durations (against floors measured beside them, across parallelism), so each runs alone.
    { ...base, ...packed, displayName: "timed", testMatch: ["<rootDir>/test/reliability/timed/*.test.ts"], slowTestThreshold: 600 },
  ],
};
