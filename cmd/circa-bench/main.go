// Command circa-bench builds the scale library once into a cache folder and
// measures every speed target of Circa on it: `make bench` (full scale) and
// `make bench-small` (ten times smaller). It prints one table and writes
// bench.json.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/circa-library/circa/internal/bench"
	_ "github.com/circa-library/circa/internal/posixlocale"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "probe-open" {
		p, err := bench.ProbeOpen(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(p)
		return
	}
	scale := flag.String("scale", "small", "library size: full or small")
	out := flag.String("out", "bench.json", "where to write the figures as JSON")
	cache := flag.String("cache", filepath.Join(".cache", "bench"), "folder that keeps the generated libraries")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	only := flag.String("only", "", "run only these steps, comma-separated (e.g. measureSync,measureDashboard)")
	flag.Parse()
	if *scale != "full" && *scale != "small" {
		fmt.Fprintln(os.Stderr, "--scale is full or small")
		os.Exit(2)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	var steps []string
	if *only != "" {
		steps = strings.Split(*only, ",")
	}
	code := run(*scale, *cache, *out, steps)
	pprof.StopCPUProfile() // os.Exit runs no deferred calls
	os.Exit(code)
}

func run(scale, cache, out string, only []string) int {
	self, _ := os.Executable()
	rep, err := bench.Run(bench.Options{Scale: scale, CacheDir: cache, Self: self, Log: os.Stderr, Only: only})
	if rep != nil {
		rep.Print(os.Stdout)
		if werr := rep.WriteJSON(out); werr != nil {
			fmt.Fprintln(os.Stderr, werr)
			return 1
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
