// Command stockpile is the emergency-materials reserve and dispatch platform
// (应急物资储备与调度平台). See README.md, or run "stockpile --help".
package main

import (
	"os"

	"github.com/stockpile-dev/stockpile/internal/cli"
)

// version is what "stockpile version" prints. `make build` stamps it with
// -ldflags "-X main.version=$(git describe --tags --always --dirty)"; a
// binary built any other way says "dev".
var version = "dev"

func main() { os.Exit(cli.Execute(version)) }
