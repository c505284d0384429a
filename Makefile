# Circa's build. `make help` lists the targets; `make test` is what CI runs.
# Needs GNU make, bash and Go; `make deps` installs the C side for Fyne.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO       ?= go
PKG      := github.com/circa-library/circa
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
# The last commit's date, not the clock, so that a commit always builds the same.
BUILD_DATE ?= $(shell git log -1 --format=%cI 2>/dev/null)
LDFLAGS  := -X $(PKG)/assets.Version=$(VERSION) -X $(PKG)/assets.BuildDate=$(BUILD_DATE)
FUZZTIME ?= 20s

# Fyne programs write settings and font caches under XDG folders: keep tests'
# out of the user's home, and give Fyne a locale it can parse. Go finds its own
# settings and build cache through the same variables, so pin those first.
TEST_ENV := GOENV=$(shell $(GO) env GOENV) GOCACHE=$(shell $(GO) env GOCACHE) \
	XDG_CONFIG_HOME=$(CURDIR)/.cache/xdg-config XDG_CACHE_HOME=$(CURDIR)/.cache/xdg-cache LANG=en_US.UTF-8

# Packages the race detector skips: the UI and commands (cmd/, generators in
# gen/), where GL through cgo or long pixel loops make it very slow.
NO_RACE := '/(ui|cmd|gen)(/|$$)'

FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
FYNE      := $(CURDIR)/.cache/bin/fyne

# Debian/Ubuntu packages behind each need.
GUI_DEPS        := libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev gcc
SCREENSHOT_DEPS := xvfb xauth imagemagick fonts-wqy-microhei
WINDOWS_DEPS    := gcc-mingw-w64-x86-64 nsis

# ensure-debs installs the Debian packages in $(1) that are missing, as root or
# through non-interactive sudo; it says what to run when it cannot.
define ensure-debs
installed=" $$({ dpkg -s $(1) 2>/dev/null || true; } | awk '/^Package:/ { p = $$2 } /^Status: install ok installed/ { printf "%s ", p }')"; \
missing=""; \
for p in $(1); do case "$$installed" in *" $$p "*) ;; *) missing="$$missing $$p" ;; esac; done; \
if [ -n "$$missing" ]; then \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "Missing:$$missing. Run: sudo apt-get install$$missing" >&2; exit 1; fi; \
	echo "Installing:$$missing"; \
	$$sudo apt-get update -q; \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
fi
endef

# go-test runs go test with flags $(1) on the packages that grep $(2) keeps
# (vet has already failed on any package that does not build).
define go-test
pkgs=$$($(GO) list ./... | grep $(2) || true); [ -z "$$pkgs" ] || $(TEST_ENV) $(GO) test $(1) $$pkgs
endef

.PHONY: help deps screenshot-deps build run test test-short fuzz bench bench-small \
	screenshots package clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

deps: ## Install what a cgo (Fyne) build needs; quick when all is there.
	@case "$$(uname -s)" in \
	Linux) \
		if command -v dpkg >/dev/null; then $(call ensure-debs,$(GUI_DEPS)); \
		else command -v gcc >/dev/null || { echo "Install gcc and the X11/OpenGL development headers (see https://docs.fyne.io/started/)" >&2; exit 1; }; fi ;; \
	Darwin) \
		xcode-select -p >/dev/null 2>&1 || { echo "Install the Xcode command line tools: xcode-select --install" >&2; exit 1; } ;; \
	MINGW*|MSYS*|CYGWIN*) \
		command -v gcc >/dev/null || { echo "Install MSYS2 (https://www.msys2.org), then in its MINGW64 shell: pacman -S mingw-w64-x86_64-gcc, and put C:\\msys64\\mingw64\\bin on PATH" >&2; exit 1; } ;; \
	*) command -v gcc >/dev/null || { echo "Install a C compiler (gcc) for cgo" >&2; exit 1; } ;; \
	esac

screenshot-deps: ## Install Xvfb, ImageMagick and a system Chinese font (Linux).
	@[ "$$(uname -s)" = Linux ] && command -v dpkg >/dev/null || { echo "Screenshots are taken on Debian/Ubuntu under Xvfb" >&2; exit 1; }
	@$(call ensure-debs,$(SCREENSHOT_DEPS))

build: deps ## Build bin/circa (cgo) and bin/circa-hub (pure Go).
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/circa ./cmd/circa
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/circa-hub ./cmd/circa-hub

run: build ## Build and start Circa with its default data folder.
	./bin/circa

test: deps ## Vet, then test with the race detector (GUI packages without).
	$(TEST_ENV) $(GO) vet ./...
	$(call go-test,-race,-vE $(NO_RACE))
	$(call go-test,,-E $(NO_RACE))

test-short: deps ## As test, with -short.
	$(TEST_ENV) $(GO) vet ./...
	$(call go-test,-short -race,-vE $(NO_RACE))
	$(call go-test,-short,-E $(NO_RACE))

fuzz: deps ## Run every Fuzz target for FUZZTIME (default 20s) each.
	@for pkg in $$($(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...); do \
		for target in $$($(TEST_ENV) $(GO) test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target"; \
			$(TEST_ENV) $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done

# Where the generated scale libraries are kept between runs (a missing one is
# built first), and where the figures go. The desk's headless timing runs
# Fyne, so the runs get the tests' XDG folders and locale.
BENCH_CACHE ?= .cache/bench
BENCH_OUT   ?= bench.json

bench: ## Scale run over a generated library, written to bench.json.
	$(TEST_ENV) $(GO) run ./cmd/circa-bench --scale full --cache $(BENCH_CACHE) --out $(BENCH_OUT)

bench-small: ## A quick scale run (10x smaller library), written to bench.json.
	$(TEST_ENV) $(GO) run ./cmd/circa-bench --scale small --cache $(BENCH_CACHE) --out $(BENCH_OUT)

screenshots: screenshot-deps build ## Screenshots of the main screens under Xvfb.
	bash scripts/screenshots.sh

$(FYNE):
	GOBIN=$(CURDIR)/.cache/bin $(GO) install $(FYNE_TOOL)

# fyne package reads FyneApp.toml only from the main package's folder; ours
# lives at the top, so its Details go in as flags, and a copy is put beside
# cmd/circa's main.go while fyne runs (for the desktop entry's categories,
# comment and keywords), then removed: fyne rewrites its Build number.
toml = $(shell sed -n 's/^$(1) *= *"\{0,1\}\([^"]*\)"\{0,1\} *$$/\1/p' FyneApp.toml | head -n 1)
FYNE_FLAGS = --src $(CURDIR)/cmd/circa --name $(call toml,Name) --app-id $(call toml,ID) \
	--icon $(CURDIR)/$(call toml,Icon) --app-version $(call toml,Version) --app-build $(call toml,Build) --release
# fyne takes extra linker flags from GOFLAGS, split at spaces: one -X each,
# after whatever GOFLAGS `go env` already has. Release builds carry no VCS
# stamp (-buildvcs=false) whatever the builder's go env says: the version
# and commit date are stamped in with -X, and a GOFLAGS=-buildvcs=false on
# one machine and not on another would otherwise make the binaries differ.
FYNE_GOFLAGS = $$($(GO) env GOFLAGS) -buildvcs=false -ldflags=-X=$(PKG)/assets.Version=$(VERSION) -ldflags=-X=$(PKG)/assets.BuildDate=$(BUILD_DATE)
FYNE_META    = cp FyneApp.toml cmd/circa/FyneApp.toml; trap 'rm -f $(CURDIR)/cmd/circa/FyneApp.toml' EXIT;
# Archive times come from the last commit too (tar and the installer).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
# Windows wants four numbers in a version resource: FyneApp's version and build.
WIN_VERSION = $(call toml,Version).$(call toml,Build)
DIST = dist/circa-$(VERSION)

package: deps $(FYNE) ## Linux tar.xz, Windows exe and installer, static hubs in dist/ (on Linux).
	@[ "$$(uname -s)" = Linux ] || { echo "Package on Linux; on a Mac: fyne package -os darwin $(FYNE_FLAGS)" >&2; exit 1; }
	@$(call ensure-debs,$(WINDOWS_DEPS))
	mkdir -p dist
	$(FYNE_META) cd dist && GOFLAGS="$(FYNE_GOFLAGS)" $(FYNE) package -os linux $(FYNE_FLAGS)
	@# Repack in a fixed order with the commit's time and no owner names, so
	@# the same commit gives the same tarball; check the desktop entry.
	rm -rf dist/linux && mkdir dist/linux && tar -xJf dist/$(call toml,Name).tar.xz -C dist/linux && rm dist/$(call toml,Name).tar.xz
	grep -q '^Categories=.*Office' dist/linux/*/usr/local/share/applications/$(call toml,ID).desktop || \
		{ echo "the desktop entry lacks FyneApp.toml's categories" >&2; exit 1; }
	tar -C dist/linux --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
		-cf - $$(ls dist/linux) | xz -T1 > $(DIST)-linux-amd64.tar.xz
	rm -rf dist/linux
	$(FYNE_META) cd dist && GOFLAGS="$(FYNE_GOFLAGS)" CC=x86_64-w64-mingw32-gcc GOOS=windows GOARCH=amd64 $(FYNE) package -os windows $(FYNE_FLAGS)
	mv cmd/circa/$(call toml,Name).exe $(DIST)-windows-amd64.exe
	$(GO) run ./packaging/windows/mkico $(call toml,Icon) dist/circa.ico
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) makensis -V2 -NOCD -DVERSION=$(VERSION) -DAPP_VERSION=$(WIN_VERSION) \
		-DEXE=$(DIST)-windows-amd64.exe -DICON=dist/circa.ico -DOUTFILE=$(DIST)-windows-amd64-setup.exe \
		packaging/windows/circa.nsi
	rm dist/circa.ico
	for arch in amd64 arm64; do \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -buildvcs=false -ldflags '$(LDFLAGS) -s -w' \
			-o dist/circa-hub-$(VERSION)-linux-$$arch ./cmd/circa-hub; \
	done
	cd dist && sha256sum circa-$(VERSION)-* circa-hub-$(VERSION)-* > circa-$(VERSION).sha256
	ls -l dist

clean: ## Remove build output and caches made here.
	rm -rf bin dist .cache
