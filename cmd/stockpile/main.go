// Command stockpile is the emergency-materials reserve and dispatch platform
// (应急物资储备与调度平台). See README.md, or run "stockpile --help".
package main

import (
	"os"

	"github.com/stockpile-dev/stockpile/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() { os.Exit(cli.Execute(version)) }
