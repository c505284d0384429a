// Package assets holds the resources compiled into every Circa binary: the app
// icon, the embedded Chinese UI font, the version stamp and (in package i18n)
// the translations.
//
// It is pure Go and imports no Fyne package, so the headless hub can embed it
// with CGO_ENABLED=0; package ui wraps these bytes in Fyne resources.
package assets

//go:generate go run ./gen/icon -out icon.png
