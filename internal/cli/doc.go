// Package cli is Circa's command line: `circa demo`, `circa check`,
// `circa backup`, `circa restore`, batch circulation, loans, import and
// export, SIP2 and sync. It opens no window; cmd/circa hands it the
// arguments and a function that starts the desk when no command is given.
// Everything it prints goes through the translation catalogue.
package cli
