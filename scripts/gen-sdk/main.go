// Generates the apikeys SDKs from the plugin's schema with Pulumi's own code generators (the same ones
// `pulumi package gen-sdk` runs inside each language host). Usage: gen-sdk SCHEMA.json OUT_DIR LANGUAGE...
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-api-keys gen-sdk"

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: gen-sdk SCHEMA.json OUT_DIR LANGUAGE...")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(raw, &spec))
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	check(err)
	if diags.HasErrors() {
		check(diags)
	}
	for _, lang := range os.Args[3:] {
		var files map[string][]byte
		switch lang {
		case "go":
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		case "nodejs":
			files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, noPackages{})
		case "python":
			files, err = python.GeneratePackage(tool, pkg, nil, noPackages{})
		default:
			err = fmt.Errorf("no code generator for %q here (go, nodejs, python)", lang)
		}
		check(err)
		dir := filepath.Join(os.Args[2], lang)
		check(os.RemoveAll(dir))
		for name, content := range files {
			path := filepath.Join(dir, name)
			check(os.MkdirAll(filepath.Dir(path), 0o755))
			check(os.WriteFile(path, content, 0o644))
		}
		fmt.Printf("%s: %d files in %s\n", lang, len(files), dir)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk:", err)
		os.Exit(1)
	}
}

// noPackages is the loader of a schema that refers to no other package: any lookup is an error.
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the apikeys schema refers to no other package (asked for %s)", pkg)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, nil)
}

func (noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the apikeys schema refers to no other package (asked for %s)", pkg)
}

func (l noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, nil)
}
