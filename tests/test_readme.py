"""The README's example doubles as a regression test (as VADER's README sentences do)."""

import re
from pathlib import Path

import rhetoric

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_python_example_runs_and_fires():
    namespace: dict = {}
    code = _blocks("python")[0].replace("print(s.explain())", "explanation = s.explain()")
    exec(compile(code, str(README), "exec"), namespace)
    s = namespace["s"]
    assert s.threat >= 0.5 and s.conditionality >= 0.5
    assert s.two_path < 0.5


def test_readme_explanation_matches_the_extractor():
    """Every rule and weight the README shows is what the extractor produces."""
    shown = [b for b in _blocks("text") if "sigmoid(" in b][0]
    s = rhetoric.score(
        "If instead Russia chooses to walk away from diplomacy and attack Ukraine, "
        "Russia will bear the responsibility, and it will face swift and severe consequences."
    )
    got = {(e.rule, round(e.weight, 2), e.start, e.end) for e in s.evidence if e.construct == "threat"}
    for line in shown.splitlines():
        m = re.match(r"\s+([+-]\d+\.\d+)\s+(\S+)\s+(\d+)-(\d+)", line)
        if m:
            weight, rule, start, end = float(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
            assert (rule, weight, start, end) in got, line
    head = re.search(r"threat (\d\.\d+) = sigmoid\(([+-]\d+\.\d+)", shown)
    assert abs(float(head.group(1)) - s.threat) < 5e-4
    assert abs(float(head.group(2)) - s.sentences[0].intercepts["threat"]) < 5e-3


def test_readme_figures_are_the_model_cards():
    """The README's table of cross-validated figures is generated from the shipped
    model card (`rhetoric evaluate --card`), never typed."""
    from rhetoric.validation import card_table

    text = README.read_text(encoding="utf-8")
    shown = re.search(r"<!-- card-table -->\n(.*?)\n<!-- /card-table -->", text, flags=re.S)
    assert shown, "the README lost its card-table markers"
    assert shown.group(1).strip() == card_table().strip(), "README figures differ from the model card: paste `rhetoric evaluate --card`"


def test_readme_dsl_example_corrects_what_the_naive_regression_gets_wrong():
    """The README's DSL example: the corrected interval covers the planted +3 points; the
    regression of the predictions alone says the share fell."""
    import statsmodels.formula.api as smf

    block = [b for b in _blocks("python") if "from rhetoric.inference import dsl" in b][0]
    namespace: dict = {}
    exec(compile(block.replace("print(fit.summary())", "text = fit.summary()"), str(README), "exec"), namespace)
    fit, data = namespace["fit"], namespace["data"]
    low, high = fit.conf_int().loc["after"]
    assert low < 0.03 < high and "after" in namespace["text"]
    naive = smf.ols("threat_pred ~ after", data).fit()
    assert naive.params["after"] < 0 and naive.conf_int().loc["after", 1] < 0.03
