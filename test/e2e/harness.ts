// The end-to-end tests use the same project runner as the benchmarks.
export * from "../../bench/pulumi-project";
