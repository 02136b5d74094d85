# The two commands of the README: `make serve` and `make test`. Both set everything up on a fresh machine.
VENV := .venv
# ProperDocs, the maintained fork of MkDocs 1.x, in an environment of its own: installed next to MkDocs, it is
# what mike runs. tests/test_properdocs.py builds the site with it.
PROPERDOCS_VENV := .venv-properdocs
PY := $(VENV)/bin/python
MKDOCS := $(VENV)/bin/mkdocs
# Material 9.8 prints a banner about MkDocs 2 at every build; it says nothing about this site.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test test-fast bench versions versions-serve clean browser sandbox

serve: $(VENV)/.site  ## build with execution, serve on http://127.0.0.1:8000 with live reload
	$(MKDOCS) serve --dev-addr 127.0.0.1:8000 --livereload

build: $(VENV)/.site  ## the static site in site/, every example executed (or cached)
	$(MKDOCS) build --strict

test: $(VENV)/.site $(VENV)/.test $(VENV)/.versions browser sandbox node_modules/.installed $(VENV)/.bench $(PROPERDOCS_VENV)/.site  ## every test
	$(PY) -m pytest -n 2 --dist loadfile --durations=15  # the slowest tests listed at the end, to keep CI under 15 minutes

test-fast: $(VENV)/.site $(VENV)/.test  ## the fast tier: engine, site model and shims, no site build (under 30 s)
	$(PY) -m pytest -m fast

bench: $(VENV)/.site $(VENV)/.bench browser node_modules/.installed  ## measure build speed against the limit; writes BENCHMARKS.md and README's table
	$(PY) -m scripts.bench --out BENCHMARKS.md --readme README.md

versions: $(VENV)/.site $(VENV)/.versions  ## one site per release of releases.txt, deployed with mike into the local gh-pages (RELEASES="2.13.0 2.14.1": only those; PUSH=1: and pushed)
	$(PY) -m scripts.versions deploy $(RELEASES) $(if $(PUSH),--push)

versions-serve: $(VENV)/.site  ## browse what `make versions` deployed on http://127.0.0.1:8000
	$(VENV)/bin/mike serve --dev-addr 127.0.0.1:8000

clean:
	rm -rf site .cache

# Set-up, redone only when a requirements file changes.
$(VENV)/.site: requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
	touch $@

$(PROPERDOCS_VENV)/.site: requirements.txt requirements-properdocs.txt pyproject.toml
	test -x $(PROPERDOCS_VENV)/bin/python || python3 -m venv $(PROPERDOCS_VENV)
	$(PROPERDOCS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r requirements.txt -r requirements-properdocs.txt -e .
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.site
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# Debian packages the tests need, installed by apt only when one is missing, without the recommended packages (a
# desktop's worth for Chromium: systemd, printer daemons); not as root, it says what to run instead.
define apt_packages
	@dpkg-query -W -f='$${Status}\n' $(1) 2>/dev/null | grep -c "ok installed" \
		| grep -qx $(words $(1)) && exit 0; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "$(2) need Debian packages: $(1). Install with the line below, then run make test again:"; \
		echo "  sudo apt-get update && sudo apt-get install -y -q --no-install-recommends $(1)"; exit 1; \
	fi; \
	apt-get update -q && apt-get install -y -q --no-install-recommends $(1)
endef

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot reach its host here);
# without fonts-noto-cjk Hangul renders as empty boxes.
browser:
	$(call apt_packages,chromium fonts-noto-cjk,The browser tests)

# bubblewrap jails the snippet server (mkdocs_memos/engine/running/jail.py). Builds without it run snippets
# with less isolation, and say so; the tests check both.
sandbox:
	$(call apt_packages,bubblewrap,The sandbox's tests)

# axe-core, injected into every page by the accessibility test; exact version in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.versions: requirements-versions.txt $(VENV)/.site
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-versions.txt
	touch $@

$(VENV)/.bench: requirements-bench.txt $(VENV)/.site
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@
