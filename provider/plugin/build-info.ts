// What a release bakes into the plugin binary (`npm run release` defines PAK_RELEASE when it bundles);
// run from the npm package, the version comes from package.json and the download URL is the default.

/** Where Pulumi fetches the plugin from unless a release names a mirror: the project's GitHub releases. */
export const DEFAULT_DOWNLOAD_URL = "github://api.github.com/pulumi-api-keys/pulumi-api-keys";

export interface ReleaseInfo {
  version: string;
  downloadUrl: string;
}

declare const PAK_RELEASE: ReleaseInfo | undefined;

/** The release this code was bundled for, or undefined when it runs from the npm package. */
export const RELEASE: ReleaseInfo | undefined = typeof PAK_RELEASE === "undefined" ? undefined : PAK_RELEASE;
