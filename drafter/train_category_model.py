"""Fit the category model to the guard corpus and write `category_model.json`.

Usage: python -m drafter.train_category_model [--corpus DIR] [--check]

Needs scikit-learn (`pip install -e '.[train]'`); the package itself never imports this module.
Every labelled text in the corpus directory is used except the sealed evaluation sets, so that
those keep measuring wording the classifier has never seen. `--check` fits the model and reports
whether the shipped file already holds it, writing nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import yaml

from .category_model import MODEL_FILE, SEALED_SETS, features
from .classify import CATEGORIES, model_view
from .errors import InputError
from .files import write_atomic

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
REGULARISATION = 100.0  # scikit-learn's C, chosen by scores on sets left out of the fit (docs/classifier.md)
WEIGHTS_KEPT = 2000  # per category, the largest by size: as accurate as all 14,000 on sets left out of the fit (docs/classifier.md)


def training_cases(corpus: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(text, asserted categories) for every case outside the sealed sets, in file then case order; a
    text that a sealed set also holds is left out too. InputError, naming the file and case, for a
    corpus file that is not a list of cases with a `text` and a list of known `asserts`."""
    files = sorted(corpus.glob("*.yaml"))
    if not files:
        raise InputError("no labelled cases (*.yaml) here", file=str(corpus))
    loaded = {path.name: _cases_in(path) for path in files}
    sealed = {text for name in SEALED_SETS for text, _ in loaded.get(name, [])}
    return [(text, asserts) for name, cases in loaded.items() if name not in SEALED_SETS
            for text, asserts in cases if text not in sealed]


def _cases_in(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise InputError(f"invalid YAML: {error.problem}", file=str(path),
                         line=mark.line + 1 if mark else None) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"cannot read it: {error}".splitlines()[0], file=str(path)) from None
    if not isinstance(items, list):
        raise InputError("expected a list of cases", file=str(path))
    cases = []
    for number, item in enumerate(items, start=1):
        where = f"case {number}" + (f" ({item['id']})" if isinstance(item, dict) and "id" in item else "")
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError("needs a `text` string", file=str(path), field=where)
        asserts = item.get("asserts")
        if not isinstance(asserts, list) or not set(asserts) <= set(CATEGORIES):
            raise InputError(f"`asserts` must be a list of: {', '.join(CATEGORIES)}", file=str(path), field=where)
        cases.append((item["text"], tuple(asserts)))
    return cases


def fingerprint(cases: list[tuple[str, tuple[str, ...]]]) -> str:
    digest = hashlib.sha256()
    for text, asserts in cases:
        digest.update(json.dumps([text, sorted(asserts)]).encode())
    return digest.hexdigest()


def fit_estimators(cases: list[tuple[str, tuple[str, ...]]], regularisation: float = REGULARISATION):  # type: ignore[no-untyped-def]
    """The fitted scikit-learn vectoriser and one logistic regression per category, in CATEGORIES order."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    # a word or pair seen in fewer than three texts is left out: on the seventeen open external sets, each
    # left out of the fit in turn, 0.873 / 0.080 against 0.870 / 0.081 with two, from two fifths fewer features
    vectoriser = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=3)
    matrix = vectoriser.fit_transform([model_view(text) for text, _ in cases])
    regressions = []
    for category in CATEGORIES:
        labels = [category in asserts for _, asserts in cases]
        # solved to a tight tolerance: a fit stopped early moves with every case added to the corpus
        regression = LogisticRegression(C=regularisation, class_weight="balanced", solver="newton-cg", tol=1e-8,
                                        max_iter=1000)
        regressions.append(regression.fit(matrix, labels))
    return vectoriser, regressions


def fit(cases: list[tuple[str, tuple[str, ...]]], regularisation: float = REGULARISATION) -> dict:  # type: ignore[type-arg]
    """The model as `category_model.json` holds it: each feature's IDF, then its largest weights."""
    vectoriser, regressions = fit_estimators(cases, regularisation)
    names = vectoriser.get_feature_names_out()
    kept: dict[str, list[float]] = {name: [round(float(idf), 4)] for name, idf in zip(names, vectoriser.idf_)}
    for index, regression in enumerate(regressions):
        weights = regression.coef_[0]
        for position in sorted(abs(weights).argsort()[-WEIGHTS_KEPT:]):
            kept[names[position]] += [index, round(float(weights[position]), 4)]
    return {"categories": list(CATEGORIES),
            "bias": [round(float(regression.intercept_[0]), 4) for regression in regressions],
            "trained_on": {"cases": len(cases), "sha256": fingerprint(cases)},
            "features": dict(sorted(kept.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true", help="report whether the shipped file is up to date")
    args = parser.parse_args(argv)
    try:
        cases = training_cases(args.corpus)
        import sklearn  # noqa: F401 - only to say what is missing before any work
    except InputError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except ImportError:
        print("Error: fitting the model needs scikit-learn: pip install -e '.[train]'", file=sys.stderr)
        return 2
    model = fit(cases)
    text = json.dumps(model, separators=(",", ":")) + "\n"
    if args.check:
        same = MODEL_FILE.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{MODEL_FILE.name} differs from a fresh fit: run without --check")
        return 0 if same else 1
    write_atomic(MODEL_FILE, text)
    print(f"wrote {MODEL_FILE.name}: {model['trained_on']['cases']} cases, {len(model['features'])} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
