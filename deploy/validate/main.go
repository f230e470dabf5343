// Command validate loads a Compose stack with compose-go, the Compose specification's reference
// implementation (the loader inside `docker compose`): schema validation, interpolation from env
// files, profiles, normalisation and consistency checks. It prints the normalised model as JSON on
// stdout, or the loader's error on stderr with exit code 1 (2 for bad flags). No Docker engine needed.
//
// Precedence mirrors `docker compose`: -e KEY=VALUE (standing in for the shell environment) beats
// --env-file. The process environment is deliberately ignored so that a run is reproducible.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var files, envFiles, env, profiles list
	flags := flag.NewFlagSet("validate", flag.ContinueOnError)
	flags.Var(&files, "f", "compose file (repeatable)")
	flags.Var(&envFiles, "env-file", "env file for interpolation (repeatable; later files win)")
	flags.Var(&env, "e", "KEY=VALUE, like a shell variable: beats the env files (repeatable)")
	flags.Var(&profiles, "profile", "profile to enable (repeatable; default: COMPOSE_PROFILES from the env)")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "validate: at least one -f <compose file> is required")
		os.Exit(2)
	}
	out, err := load(files, envFiles, env, profiles)
	if err != nil {
		fmt.Fprintf(os.Stderr, "invalid compose project: %v\n", err)
		os.Exit(1)
	}
	os.Stdout.Write(append(out, '\n'))
}

func load(files, envFiles, env, profiles []string) ([]byte, error) {
	opts, err := cli.NewProjectOptions(files,
		cli.WithEnv(env),
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(profiles...),
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	return project.MarshalJSON()
}
