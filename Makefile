# The two commands that matter (see README):
#   make reproduce   set up and run the main job: score the crisis corpus (summary), run the
#                    experiments and rebuild the paper (every number, table and figure; PDF
#                    where LaTeX is installed); FULL=1: the whole classifier sweep too
#   make test        set up and run the default test suite (what CI runs)
PYTHON ?= python3
PIP_FLAGS ?= --quiet --disable-pip-version-check

.PHONY: install test test-slow reproduce evaluate bench clean-cache score-ungdc paper paper-small

install:
	$(PYTHON) -m pip install $(PIP_FLAGS) -e ".[all]"

test: install
	$(PYTHON) -m pytest

test-slow: install
	$(PYTHON) -m pytest -m slow

evaluate: install
	$(PYTHON) -m rhetoric.evaluate

reproduce: install
	@start=$$(date +%s); \
	$(PYTHON) -m rhetoric.summary && \
	$(PYTHON) paper/build.py $(if $(FULL),--full) && \
	echo "reproduce: done in $$(( $$(date +%s) - start )) s"

bench: install
	$(PYTHON) bench/bench_vader.py

clean-cache:
	$(PYTHON) -m rhetoric.data.cache clear

# Score all UN General Debate speeches (10,952) on every core, with progress and a
# time/memory report.
score-ungdc: install
	$(PYTHON) -m rhetoric.data.score_corpus ungdc -o outputs/ungdc_features.csv.gz --n-jobs -1 --progress --measure

paper: install
	$(PYTHON) paper/build.py

paper-small: install
	$(PYTHON) paper/build.py --small
