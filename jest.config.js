// `npm test` runs unit, contract and e2e; `npm run test:reliability` runs the long reliability suite.
const tsJest = { "^.+\\.ts$": ["ts-jest", { tsconfig: "test/tsconfig.json" }] };
module.exports = {
  projects: [
    { displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"], transform: tsJest, testEnvironment: "node" },
    { displayName: "contract", testMatch: ["<rootDir>/test/contract/**/*.test.ts"], transform: tsJest, testEnvironment: "node" },
    { displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"], transform: tsJest, testEnvironment: "node", slowTestThreshold: 120 },
    { displayName: "reliability", testMatch: ["<rootDir>/test/reliability/**/*.test.ts"], transform: tsJest, testEnvironment: "node", slowTestThreshold: 600 },
  ],
};
