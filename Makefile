# The two commands of the README: `make serve` and `make test`. Both set everything up on a fresh machine.
VENV := .venv
PY := $(VENV)/bin/python
MKDOCS := $(VENV)/bin/mkdocs
# Material 9.8 prints a banner about MkDocs 2 at every build; it says nothing about this site.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test versions versions-serve clean

serve: $(VENV)/.site  ## build with execution, serve on http://127.0.0.1:8000 with live reload
	$(MKDOCS) serve --dev-addr 127.0.0.1:8000 --livereload

build: $(VENV)/.site  ## the static site in site/, every example executed (or cached)
	$(MKDOCS) build --strict

test: $(VENV)/.site $(VENV)/.test  ## every test
	$(PY) -m pytest

versions: $(VENV)/.site  ## one site per release of releases.txt, deployed with mike into the local gh-pages (PUSH=1: and pushed)
	$(PY) scripts/versions.py deploy $(if $(PUSH),--push)

versions-serve: $(VENV)/.site  ## browse what `make versions` deployed on http://127.0.0.1:8000
	$(VENV)/bin/mike serve --dev-addr 127.0.0.1:8000

clean:
	rm -rf site .cache

# Set-up, redone only when a requirements file changes.
$(VENV)/.site: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.site
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@
