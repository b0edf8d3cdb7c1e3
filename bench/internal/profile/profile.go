// Package profile starts the CPU profile the benchmark programs write on
// request (-cpuprofile).
package profile

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// StartCPU writes a CPU profile to path until the returned stop is called.
// An empty path profiles nothing and returns a stop that does nothing.
func StartCPU(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
