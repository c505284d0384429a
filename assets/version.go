package assets

// Version and BuildDate are stamped by the Makefile with
// -ldflags "-X github.com/circa-library/circa/assets.Version=…".
// BuildDate is the last commit's date (RFC 3339), so rebuilding a commit gives
// the same binary.
var (
	Version   = "0.1.0-dev"
	BuildDate = ""
)
