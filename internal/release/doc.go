// Package release holds the tests of what packaging needs: the app
// metadata in FyneApp.toml, the icon, version stamping and reproducible
// builds. The slow cross-builds themselves run in `make package`.
package release
