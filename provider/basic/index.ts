export { ProjectKey, type ProjectKeyArgs } from "./resource";
