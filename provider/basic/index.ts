export { ProjectKey, ProjectKeyArgs } from "./resource";
export { BasicClient } from "./client";
