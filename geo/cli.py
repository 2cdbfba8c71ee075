"""Command line: ``python -m geo analyze|ingest|watch|export|gazetteer|parse|eval|claims|geocode|static``."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from geo import settings as settings_module
from geo.errors import GeoError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="analyse one article file and print its places and actors")
    analyze.add_argument("file", type=Path)
    analyze.add_argument("--format", choices=("json", "text"), default="text")

    ingest = commands.add_parser("ingest", help="analyse and store articles; prints one article id per line")
    ingest.add_argument(
        "targets", nargs="+", metavar="PATH|URL", help="files, folders, JSONL corpora, web pages or RSS/Atom feeds"
    )
    ingest.add_argument("--workers", type=int, default=None, help="analysis processes (default: 2, or 1 core)")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    ingest.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:8786|local",
        help="analyse on a Dask cluster: a scheduler's address, or 'local' for a local cluster of --workers",
    )

    watch = commands.add_parser("watch", help="poll RSS/Atom feeds and store their new articles until stopped")
    watch.add_argument("feeds", type=Path, metavar="FEEDS.txt", help="feed URLs, one a line (# starts a comment)")
    watch.add_argument("--every", default="15m", help="time between polls of a feed: 90, 30s, 15m, 2h (default 15m)")
    watch.add_argument(
        "--once", action="store_true", help="poll the feeds that are due (all, the first time) once and stop: for cron"
    )
    watch.add_argument("--state", type=Path, default=None, help="state file (default: beside GEO_DATABASE)")
    watch.add_argument("--workers", type=int, default=1, help="analysis processes per poll (default 1)")

    export = commands.add_parser("export", help="write the stored map as GeoJSON, a CSV of claims or an HTML map")
    export.add_argument("--format", choices=("geojson", "csv", "html"), required=True)
    export.add_argument("--output", type=Path, required=True, help="file to write ('-' for stdout)")
    export.add_argument("--article", action="append", default=[], help="article id (repeatable; default: all)")
    export.add_argument("--actor", action="append", default=[], help="actor id (repeatable): places near them")
    export.add_argument("--from", dest="since", default=None, type=_day, help="first publication day, YYYY-MM-DD")
    export.add_argument("--to", dest="until", default=None, type=_day, help="last publication day, YYYY-MM-DD")
    export.add_argument("--with-passages", action="store_true", help="csv: add each claim's passage text")

    gazetteer = commands.add_parser("gazetteer", help="manage the offline gazetteer index")
    gazetteer.add_argument("action", choices=("build", "download"), help="download: extend it with GeoNames dumps")
    gazetteer.add_argument("--url", default=None, help="base URL of the GeoNames dump files (download)")
    gazetteer.add_argument("--path", type=Path, default=None, help="index file (default: GEO_GAZETTEER)")
    gazetteer.add_argument("--if-missing", action="store_true", help="build only when the index is missing or outdated")

    parse = commands.add_parser("parse", help="geoparse a JSONL corpus into a predictions JSONL file")
    parse.add_argument("--input", type=Path, required=True, help="corpus in the shared eval format")
    parse.add_argument("--output", type=Path, required=True, help="predictions file to write")
    parse.add_argument("--gold-spans", action="store_true", help="resolve the corpus' own spans")
    parse.add_argument("--limit", type=int, default=None)
    parse.add_argument("--processes", type=int, default=2, help="spaCy worker processes")

    evaluate = commands.add_parser("eval", help="score geotagging and geocoding on a JSONL corpus")
    evaluate.add_argument(
        "--corpus", type=Path, required=True, action="append", help="corpus JSONL (repeatable: one report each)"
    )
    evaluate.add_argument("--predictions", type=Path, default=None, help="score this file instead of parsing")
    evaluate.add_argument("--gold-spans", action="store_true", help="resolve the corpus' own spans")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--limit", type=int, default=None, help="first N articles only")
    evaluate.add_argument("--offset", type=int, default=0, help="skip the first N articles")
    evaluate.add_argument("--errors", type=Path, default=None, help="write per-toponym details (JSONL)")
    evaluate.add_argument("--processes", type=int, default=2, help="spaCy worker processes")

    claims = commands.add_parser("claims", help="attribution (who says what) on a corpus: parse, score")
    claims.add_argument("action", choices=("parse", "eval", "train"))
    claims.add_argument("--input", type=Path, help="parse: corpus in the shared attribution format (JSONL)")
    claims.add_argument(
        "--output",
        type=Path,
        help="parse: predictions file to write; train: the cue table to write, the model beside it",
    )
    claims.add_argument("--corpus", type=Path, help="eval, train: gold corpus (JSONL; train on a train split only)")
    claims.add_argument("--predictions", type=Path, default=None, help="eval: score this file instead of parsing")
    claims.add_argument("--limit", type=int, default=None, help="first N articles only")
    claims.add_argument("--json", action="store_true", help="eval: print the scores as JSON")
    claims.add_argument(
        "--model",
        type=Path,
        default=None,
        help="parse, eval: this tagger file (one `claims train --output` wrote) instead of the packaged one",
    )

    geocode = commands.add_parser(
        "geocode", help="look a name up in the offline gazetteer (and the online geocoder, if configured)"
    )
    geocode.add_argument("query")
    geocode.add_argument("--all", action="store_true", help="every match, not only the best")

    static = commands.add_parser("static", help="copy Leaflet and jQuery into the app's static folder")
    static.add_argument("target", type=Path, nargs="?", default=Path("static"))

    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except GeoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        return 128 + interrupt.signum if isinstance(interrupt, Stopped) else 130
    except Exception as error:  # a bug: one line that names it, never a traceback with the server's paths
        from geo.sources.ingest import describe

        print(f"error: unexpected {describe(error)}", file=sys.stderr)
        return 3


def _analyze(args: argparse.Namespace) -> int:
    from geo.analysis.pipeline import Pipeline
    from geo.export import to_dict
    from geo.sources.ingest import read_bytes

    document = read_bytes(_read(args.file), args.file.name)
    analysis = Pipeline.load().analyze(document)
    result = to_dict(analysis)
    if args.format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"{result['article']['title']}  [{result['article']['id']}]")
    for place in result["places"]:
        print(
            f"  place  {place['name']:<28} {place['kind']:<10} {place['country'] or '':<3}"
            f" {place['lat']:9.4f} {place['lon']:9.4f}  x{len(place['mentions'])}"
        )
    for actor in result["actors"]:
        print(f"  actor  {actor['name']:<28} {actor['type']:<12} x{len(actor['mentions'])}")
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo.batch import DEFAULT_WORKERS, Outcome, ingest_batch
    from geo.store import Store

    config = settings_module.load()

    with _stopped_by_signals() as checkpoint, Store(config.database) as store:

        def report(outcome: Outcome) -> None:
            checkpoint()  # a stop whose first raise was swallowed takes effect here, between articles
            if outcome.error is None:
                print(outcome.article_id, flush=True)  # a duplicate prints the stored id again
            else:
                tqdm.write(f"error: {outcome.name}: {outcome.error}", file=sys.stderr)

        outcomes = ingest_batch(
            args.targets,
            store,
            config=config,
            workers=DEFAULT_WORKERS if args.workers is None else args.workers,
            progress=not args.no_progress,
            report=report,
            scheduler=args.scheduler,
        )
    return 1 if any(o.error for o in outcomes) else 0


class Stopped(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) arrived: unwind as Ctrl-C does, so the workers are stopped on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[Callable[[], None]]:
    """SIGTERM and SIGHUP raise ``Stopped`` in the main thread, as SIGINT raises KeyboardInterrupt, so
    ``ingest_batch``'s cleanup stops its worker processes (or its local Dask cluster) rather than
    leaving them behind. Only the first signal unwinds: another while the workers stop is ignored.

    The raise can be lost: a signal that lands in a gc callback or a ``__del__`` (Dask's client runs
    one on every collection) is printed as "Exception ignored" and the work goes on. So the context
    yields a checkpoint to call between units of work, which raises ``Stopped`` for a signal that has
    fired; the same check runs when the body ends, so the exit status tells of the signal either way.
    A checkpoint is only reached in the body's normal flow, never while a raise unwinds it."""
    import signal
    import threading

    fired: list[int] = []

    def checkpoint() -> None:
        if fired:
            raise Stopped(fired[0])

    if threading.current_thread() is not threading.main_thread():
        yield checkpoint
        return

    def stop(signum: int, _frame: object) -> None:
        if not fired:
            fired.append(signum)
            raise Stopped(signum)

    watched = (signal.SIGTERM, signal.SIGHUP)
    before = {signum: signal.signal(signum, stop) for signum in watched}
    try:
        yield checkpoint
        checkpoint()
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _watch(args: argparse.Namespace) -> int:
    import signal
    import threading

    from geo.store import Store
    from geo.watch import Poll, Watcher, default_state_path, parse_duration, read_feed_list

    config = settings_module.load()
    every = parse_duration(args.every)
    feeds = read_feed_list(args.feeds)
    stop = threading.Event()

    def report(poll: Poll) -> None:
        if poll.error:
            print(f"error: {poll.feed}: {poll.error}", file=sys.stderr, flush=True)
        for outcome in poll.new:
            if outcome.error:
                print(f"error: {outcome.name}: {outcome.error}", file=sys.stderr, flush=True)
            elif not outcome.duplicate:
                print(outcome.article_id, flush=True)

    with (
        Store(config.database) as store,
        Watcher(
            feeds,
            store,
            every=every,
            state_path=args.state or default_state_path(config.database),
            config=config,
            workers=args.workers,
        ) as watcher,
    ):
        if args.once:
            for poll in watcher.poll_due():
                report(poll)
            return 0
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print(f"watching {len(feeds)} feed(s) every {args.every}; Ctrl-C stops", file=sys.stderr, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            watcher.run(stop, report)
    return 0


def _day(value: str) -> str:
    """A day given on the command line, checked (argparse names the option when it is not one)."""
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day (YYYY-MM-DD)") from error


def _export(args: argparse.Namespace) -> int:
    from geo import export
    from geo.store import Store
    from geo.types import MapFilter

    shown = MapFilter(article_ids=args.article or None, actor_ids=args.actor, since=args.since, until=args.until)
    with Store(settings_module.load().database) as store:

        def write(out: TextIO) -> None:
            if args.format == "geojson":  # streamed: an archive's features never sit in memory at once
                export.write_geojson(store, shown, out)
            else:
                out.write(
                    export.claims_csv(store, shown, with_passages=args.with_passages)
                    if args.format == "csv"
                    else export.html_map(store, shown)
                )

        if str(args.output) == "-":
            write(sys.stdout)
            return 0
        partial = args.output.with_name(args.output.name + ".partial")  # no half-written file under the name
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("w", encoding="utf-8", newline="") as out:
                write(out)
            partial.replace(args.output)
        except OSError as error:
            raise GeoError(f"Cannot write {args.output}: {error.strerror}.") from error
        finally:
            partial.unlink(missing_ok=True)
    print(args.output)
    return 0


def _gazetteer(args: argparse.Namespace) -> int:
    from geo.gazetteer import build

    path = args.path or settings_module.load().gazetteer
    if args.action == "download":
        from geo.gazetteer import GEONAMES_URL, download

        counts = download(path, args.url or GEONAMES_URL, progress=True)
        print(f"{path}: {json.dumps(counts)}")
        return 0
    if args.if_missing:
        from geo.gazetteer import Gazetteer

        # Missing, or built by an older format or from older curated files: (re)built; else left alone.
        with Gazetteer.open(path):
            print(path)
        return 0
    print(build(path, progress=True))
    return 0


def _parse(args: argparse.Namespace) -> int:
    from geo.eval.geoparse import load_corpus, parse_corpus, write_predictions
    from geo.gazetteer import Gazetteer

    articles = load_corpus(args.input, args.limit)
    with Gazetteer.open() as gaz:
        rows = parse_corpus(articles, gaz, gold_spans=args.gold_spans, n_process=args.processes)
        n = write_predictions(rows, args.output)
    print(f"{n} articles -> {args.output}", file=sys.stderr)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from geo.eval.geoparse import evaluate, load_corpus, load_predictions, score
    from geo.gazetteer import Gazetteer

    if args.predictions and len(args.corpus) > 1:
        raise GeoError("--predictions scores one corpus: give --corpus once.")
    reports = []
    with Gazetteer.open() as gaz:
        for corpus in args.corpus:
            articles = load_corpus(corpus, args.limit, offset=args.offset)
            if args.predictions:
                report = score(articles, load_predictions(args.predictions), gaz.lookup, gold_spans=args.gold_spans)
            else:
                report = evaluate(articles, gaz, gold_spans=args.gold_spans, n_process=args.processes)
            reports.append((corpus, report))
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as f:
            for corpus, report in reports:
                for row in report.details:
                    f.write(json.dumps({"corpus": corpus.name, **row}, ensure_ascii=False) + "\n")
    if args.json:
        out = {str(c): r.to_dict() for c, r in reports}
        print(json.dumps(out[str(args.corpus[0])] if len(reports) == 1 else out, indent=1))
    else:
        for corpus, report in reports:
            print(f"{corpus}\n{report.format()}")
    below = [c for c, r in reports if r.below_baseline]
    for corpus, report in reports:
        s, p = report.system, report.population
        verdict = "BELOW THE POPULATION BASELINE" if report.below_baseline else "ok"
        print(
            f"summary: {corpus.name}: resolver Acc@161 {s.acc161:.3f}, population baseline {p.acc161:.3f}: {verdict}",
            file=sys.stderr,
        )
    if below:
        print(f"error: the resolver scores below the population baseline on {len(below)} corpus(es)", file=sys.stderr)
        return 1
    return 0


def _claims(args: argparse.Namespace) -> int:
    from geo.errors import InputError
    from geo.eval.claims import load_attribution_corpus, load_claim_predictions, score_attributions

    def predict(corpus: Path) -> Iterator[dict[str, Any]]:
        from dataclasses import replace

        from geo.analysis.attribution import Tagger
        from geo.analysis.pipeline import Pipeline
        from geo.eval.claims import predict_attributions

        pipeline = Pipeline.load()
        if args.model is not None:
            if not args.model.is_file():
                raise InputError(f"No tagger model at {args.model}.")
            pipeline = replace(pipeline, tagger=Tagger(args.model))
        return predict_attributions(load_attribution_corpus(corpus, args.limit), pipeline)

    if args.action == "train":
        return _claims_train(args)
    if args.action == "parse":
        if args.input is None or args.output is None:
            raise InputError("claims parse needs --input CORPUS.jsonl and --output PRED.jsonl.")
        n = 0
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            with args.output.open("w", encoding="utf-8") as handle:
                for row in predict(args.input):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
        except OSError as error:
            raise GeoError(f"Cannot write {args.output}: {error.strerror}.") from error
        print(f"{n} articles -> {args.output}", file=sys.stderr)
        return 0
    if args.corpus is None:
        raise InputError("claims eval needs --corpus CORPUS.jsonl.")
    articles = load_attribution_corpus(args.corpus, args.limit)
    if args.predictions is not None:
        predictions = load_claim_predictions(args.predictions)
    else:
        predictions = {row["id"]: row["claims"] for row in predict(args.corpus)}
    report = score_attributions(articles, predictions)
    print(json.dumps(report.to_dict(), indent=1) if args.json else report.format())
    return 0


def _claims_train(args: argparse.Namespace) -> int:
    """Learn the cue table, then the attribution tagger (a CRF), from a training corpus into geo/data.

    The tagger reads the rules' claims, so it is trained after the cue table they read is rewritten.
    CRFsuite's L-BFGS has no random state: the same corpus and spaCy model give the same model file.
    Its provenance (corpus file and hash, counts, parameters, versions, date) is written beside it."""
    import datetime
    import hashlib
    from dataclasses import replace
    from importlib.metadata import version
    from importlib.resources import files

    from geo.analysis import attribution
    from geo.analysis import claims as claims_stage
    from geo.analysis.pipeline import Pipeline
    from geo.errors import InputError
    from geo.eval.claims import load_attribution_corpus, training_sequences

    if args.corpus is None:
        raise InputError("claims train needs --corpus TRAIN.jsonl (a training split, never dev or test).")
    articles = load_attribution_corpus(args.corpus, args.limit)
    splits = sorted({str(a.get("split")) for a in articles})
    if {"dev", "test"} & set(splits):
        raise InputError(f"claims train reads a training split only; {args.corpus} holds {', '.join(splits)}.")
    pairs = [(a["text"], [f for at in a["attributions"] for f in at.get("cue") or ()]) for a in articles]
    pipeline = replace(Pipeline.load(), tagger=None)
    nlp = pipeline.nlp
    rows = claims_stage.learn_cues(pairs, nlp)
    target = args.output or Path(str(files("geo") / "data" / claims_stage.LEARNED_CUES))
    model_name = f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}"
    provenance = (
        f"Learned from {args.corpus.name} ({len(articles)} articles, split {', '.join(splits)}; "
        f"PolNeAR v1.0.0, Newell, Margolin & Ruths, LREC 2018) with spaCy {model_name}."
    )
    print(claims_stage.write_learned_cues(rows, target, provenance))
    if target.resolve() == Path(str(files("geo") / "data" / claims_stage.LEARNED_CUES)).resolve():
        for cached in (claims_stage.learned_cues, claims_stage.cue_lexicon, attribution.cue_words):
            cached.cache_clear()  # the tagger's features read the table just written
    sequences = list(training_sequences(articles, pipeline))
    model = target.with_name(attribution.MODEL)
    attribution.train(sequences, model)
    record = {
        "model": attribution.MODEL,
        "corpus": args.corpus.name,
        "corpus_sha256": hashlib.sha256(args.corpus.read_bytes()).hexdigest(),
        "splits": splits,
        "articles": len(articles),
        "attributions": sum(len(a["attributions"]) for a in articles),
        "tokens": sum(len(tags) for _, tags in sequences),
        "tagged_tokens": sum(tag != attribution.OUTSIDE for _, tags in sequences for tag in tags),
        "spacy_model": model_name,
        "python_crfsuite": version("python-crfsuite"),
        "params": {**attribution.TRAIN_PARAMS, "feature.minfreq": attribution.MIN_FEATURE_FREQ},
        "seed": "none: CRFsuite's L-BFGS is deterministic",
        "training_inputs_sha256": attribution.training_inputs(),
        "model_sha256": hashlib.sha256(model.read_bytes()).hexdigest(),
        "model_bytes": model.stat().st_size,
        "trained": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": "PolNeAR v1.0.0 (Newell, Margolin & Ruths, LREC 2018); feature names and weights only, no text",
    }
    print(attribution.write_provenance(model.with_name(attribution.PROVENANCE), record))
    print(model)
    return 0


def _geocode(args: argparse.Namespace) -> int:
    from geo.gazetteer import Gazetteer
    from geo.gazetteer.geocoders import from_settings

    with Gazetteer.open() as gaz, from_settings(gaz) as geocoder:
        found = geocoder.geocode(args.query, exactly_one=not args.all)
        if geocoder.last_message:
            print(f"warning: {geocoder.last_message}", file=sys.stderr)
    locations = found if isinstance(found, list) else [found] if found else []
    for location in locations:
        print(f"{location.latitude:9.4f} {location.longitude:9.4f}  {location.address}")
    return 0 if locations else 1


def _static(args: argparse.Namespace) -> int:
    from geo.view.static import install_static

    print(install_static(args.target))
    return 0


def _read(path: Path) -> bytes:
    from geo.errors import InputError

    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror}.") from error


_COMMANDS = {
    "analyze": _analyze,
    "ingest": _ingest,
    "watch": _watch,
    "gazetteer": _gazetteer,
    "static": _static,
    "export": _export,
    "parse": _parse,
    "eval": _eval,
    "geocode": _geocode,
    "claims": _claims,
}

if __name__ == "__main__":
    sys.exit(main())
