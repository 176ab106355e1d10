export { ProjectKey, ProjectKeyArgs } from "./resource";
