// Three projects so CI can run the fast ones alone; `npm test` runs all of them.
const tsJest = { "^.+\\.ts$": ["ts-jest", { tsconfig: "test/tsconfig.json" }] };
module.exports = {
  projects: [
    { displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"], transform: tsJest, testEnvironment: "node" },
    { displayName: "contract", testMatch: ["<rootDir>/test/contract/**/*.test.ts"], transform: tsJest, testEnvironment: "node" },
    { displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"], transform: tsJest, testEnvironment: "node", slowTestThreshold: 120 },
  ],
};
