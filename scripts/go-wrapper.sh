# Sourced by the Go builds (build-pulumi.sh, build-yaml.sh, gen-sdk.sh). pkg/v3 carries replace
# directives, so `go install module@version` refuses it; a throwaway module that requires it (and repeats
# its replaces) builds the same code.

go_minor() { go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/'; }

# The go.mod file of a module version, downloaded through the module proxy.
go_mod_file() {
  local file
  file=$(go mod download -json "$1" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -n "$file" ] || { echo "cannot download $1" >&2; return 1; }
  echo "$file"
}

# Writes DIR/go.mod: module NAME requiring pkg/v3 and sdk/v3 at VERSION, with pkg/v3's own replace
# directives (minus the one pointing at ../sdk, which is required by version), an optional `tool`, and
# more requirements. Usage: write_wrapper_mod DIR NAME VERSION [TOOL] [REQUIREMENT...]
write_wrapper_mod() {
  local dir=$1 name=$2 version=$3 tool=${4:-} pkg_mod
  shift 3
  [ $# -gt 0 ] && shift
  pkg_mod=$(go_mod_file "github.com/pulumi/pulumi/pkg/v3@v$version") || return 1
  {
    printf 'module %s\n\ngo %s\n\n' "$name" "$(go_minor)"
    [ -z "$tool" ] || printf 'tool %s\n\n' "$tool"
    printf 'require (\n'
    for r in "$@"; do printf '\t%s\n' "$r"; done
    printf '\tgithub.com/pulumi/pulumi/pkg/v3 v%s\n\tgithub.com/pulumi/pulumi/sdk/v3 v%s\n)\n\n' "$version" "$version"
    grep -E '^replace ' "$pkg_mod" | grep -v '=> \.\./' || true
  } >"$dir/go.mod"
}
