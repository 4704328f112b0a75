"""The command line: a thin layer over :mod:`autograder.engine.grade`."""
import argparse
import json
import os
import sys

from autograder.config import LIMITS
from autograder.engine import grade as engine
from autograder.platforms import gradescope, prairielearn
from autograder.platforms.run import PLATFORMS
from autograder.sandbox import bubblewrap
from autograder.spec.parts import PARTS


def _grade(args):
    def progress(key):
        if not args.json and not args.quiet:
            print(f"grading {key} ...", file=sys.stderr)
    report, _ = engine.grade(args.path, seed=args.seed, part_timeout=args.timeout,
                              cnn_timeout=args.cnn_timeout, parts=args.part, jobs=args.jobs,
                              progress=progress)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(engine.format_table(report, f"convkit grade report for {args.path}"))
    return 0


def _demo(args):
    from autograder.course.demo import run_demo
    return run_demo(jobs=args.jobs)


def _grade_class(args):
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from autograder.classroom import gradebook, grading

    course = Path(args.course).resolve()
    jobs = args.jobs or os.cpu_count() or 1
    if args.db and gradebook.has_password(args.db):
        print(f"error: --db: {gradebook.PASSWORD_ON_THE_COMMAND_LINE}", file=sys.stderr)
        return 2

    def progress(outcome, done, total):
        print(grading.describe(outcome, done, total), file=sys.stderr, flush=True)
    try:
        outcomes = grading.grade_class(course, jobs=jobs, only=args.student, progress=progress,
                                       db_url=args.db, cluster=args.cluster, run_notebooks=args.run_notebooks,
                                       tls=(args.tls_ca_file, args.tls_cert, args.tls_key),
                                       insecure_cluster=args.insecure_cluster)
    except ValueError as refused:  # an insecure cluster, missing certificates, a password on the command line
        print(f"error: {refused}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:  # the gradebook's server refused us: say so, no traceback, no password
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        where = gradebook.masked(args.db or gradebook.course_url(course))
        print(f"error: cannot use the gradebook at {where}: {reason}", file=sys.stderr)
        return 2
    table = grading.part_scores(course, args.db)
    for outcome in outcomes:  # a submission with nothing gradable still gets its row of zeros
        table.setdefault(outcome.student, {key: 0.0 for key in PARTS})
    print(grading.format_gradebook(table))
    print(f"\ngrades: {grading.export_csv(table, Path(args.csv))}")
    _write_report(course, args.help_below)
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        print(f"could not autograde {outcome.student}: {outcome.message}", file=sys.stderr)
    return 1 if failed else 0


def _write_report(course, help_below):
    """Write the class report from the findings kept in ``course`` and say where it is."""
    from autograder.classroom.report import write_report
    summary, html_path, csv_path = write_report(course, help_below=help_below)
    print(f"\n{summary}\n\nclass report: {html_path}\nper student and misconception: {csv_path}")


def _report(args):
    from pathlib import Path
    _write_report(Path(args.course).resolve(), args.help_below)
    return 0


def _cluster_certs(args):
    from autograder.classroom import certs
    certs.make(args.folder, hosts=args.host, days=args.days)
    print(certs.describe(args.folder))
    return 0


def _release(args):
    from autograder.course.release import build_release
    print(f"student release written to {build_release()}")
    return 0


def _solutions(args):
    from autograder.course.release import build_worked_solutions
    for path in build_worked_solutions():
        print(f"worked solution: {path}")
    return 0


def _export(args):
    if args.platform == gradescope.NAME:
        print(f"Gradescope autograder written to {gradescope.export(args.out, visibility=args.visibility)}")
    else:
        question, grader = prairielearn.export(args.out, image=args.image)
        print(f"PrairieLearn question written to {question}\nits grader (for serverFilesCourse/) to {grader}")
    return 0


def _try_export(args):
    import tempfile
    from pathlib import Path

    from autograder.platforms import trial
    if trial.unavailable():
        print(f"error: try-export {trial.unavailable()}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="convkit-try-") as scratch:
        folder = Path(args.folder or scratch)
        print(f"exporting for {args.platform} and running its setup.sh in a container under {folder} ...",
              file=sys.stderr)
        tried = trial.Trial(args.platform, folder)
        document, finished = tried.grade(trial.files_of(args.submission), docker_like=args.as_docker)
    print(json.dumps(document, indent=2))
    print(f"set-up {tried.setup_seconds:.0f} s; {finished.stdout.strip()}", file=sys.stderr)
    return 0


def _default_limit(name):
    """Where a limit's value comes from, for a help text: ``CONVKIT_PART_SECONDS or 60``."""
    return f"{name} or {LIMITS[name].default}"


def _unsafe_flag(parser):
    parser.add_argument("--unsafe", action="store_true",
                        help="run student code without the bubblewrap sandbox (only where it cannot be had)")


def _help_below_flag(parser):
    parser.add_argument("--help-below", type=float, metavar="POINTS",
                        help="students below this total are listed as needing help in the class report "
                        f"(default: {_default_limit('CONVKIT_HELP_BELOW')})")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description="convkit's autograder")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade a notebook, a folder of notebooks, or a .py file")
    grade.add_argument("path")
    grade.add_argument("--json", action="store_true", help="print the JSON grade report")
    grade.add_argument("--seed", type=int, help="seed of the test cases (default: a fresh one; the report gives it)")
    grade.add_argument("--timeout", type=float, default=None,
                       help=f"seconds per part (default: {_default_limit('CONVKIT_PART_SECONDS')})")
    grade.add_argument("--cnn-timeout", type=float, default=None,
                       help=f"seconds for the tiny CNN (default: {_default_limit('CONVKIT_CNN_SECONDS')})")
    grade.add_argument("--part", action="append", choices=list(PARTS),
                       help="grade only this part (repeatable); the others score 0")
    grade.add_argument("--jobs", type=int, help="parts graded side by side (default: the number of cores)")
    grade.add_argument("--quiet", action="store_true", help="no progress lines")
    _unsafe_flag(grade)
    grade.set_defaults(run=_grade)

    demo = commands.add_parser("demo", help="release, hand in and autograde a demo class through nbgrader")
    demo.add_argument("--jobs", type=int, help="students graded side by side (default: the number of cores)")
    demo.set_defaults(run=_demo)

    grade_class = commands.add_parser("grade-class", help="autograde every submission under submitted/ "
                                      "through nbgrader, in parallel, and export a CSV")
    grade_class.add_argument("--course", default=".", help="the course root (default: here)")
    grade_class.add_argument("--jobs", type=int, help="students graded side by side (default: the number of cores)")
    grade_class.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grade_class.add_argument("--csv", default="grades.csv", help="where to write the grades (default: grades.csv)")
    _help_below_flag(grade_class)
    grade_class.add_argument("--db", help="the gradebook's URL, e.g. postgresql://user@host/gradebook?sslmode=require, "
                             "without a password (libpq reads it from PGPASSWORD, ~/.pgpass or a service file; default:"
                             " the config's c.CourseDirectory.db_url, else gradebook.db); set up when empty")
    grade_class.add_argument("--cluster", metavar="tls://HOST:PORT",
                             help="grade on the workers of this Dask scheduler instead of --jobs here, over mutual "
                             "TLS (a plain tcp:// address is taken on loopback only)")
    grade_class.add_argument("--tls-ca-file", help="the cluster's certificate authority (default: Dask's "
                             "configuration, distributed.comm.tls.ca-file)")
    grade_class.add_argument("--tls-cert", help="this grader's certificate (default: distributed.comm.tls.client.cert)")
    grade_class.add_argument("--tls-key", help="its private key (default: distributed.comm.tls.client.key)")
    grade_class.add_argument("--insecure-cluster", action="store_true",
                             help="grade on a plain tcp:// cluster off this machine: anyone who reaches its port "
                             "can run code on the workers")
    grade_class.add_argument("--run-notebooks", action="store_true",
                             help="run each notebook again in the sandboxed kernel, as plain nbgrader autograde does, "
                             "so that the feedback shows a fresh run instead of the student's own outputs "
                             "(about 20 s more per student)")
    _unsafe_flag(grade_class)
    grade_class.set_defaults(run=_grade_class)

    report = commands.add_parser("report", help="write class-report.html (what the class got wrong, with plots) "
                                 "and class-misconceptions.csv from what grade-class found")
    report.add_argument("--course", default=".", help="the course root (default: here)")
    _help_below_flag(report)
    report.set_defaults(run=_report)

    certs = commands.add_parser("cluster-certs", help="write a certificate authority and certificates for a "
                                "TLS grading cluster (scheduler, workers, graders), and print how to use them")
    certs.add_argument("folder")
    certs.add_argument("--host", action="append", help="a name or address the scheduler and workers are reached "
                       "by (repeatable; default: 127.0.0.1, localhost and this machine's name)")
    certs.add_argument("--days", type=int, default=365, help="how long the certificates are valid (default: 365)")
    certs.set_defaults(run=_cluster_certs)

    export = commands.add_parser("export", help="write the autograder for Gradescope (autograder.zip) or a "
                                 "PrairieLearn question graded by the same engine")
    export.add_argument("platform", choices=list(PLATFORMS))
    export.add_argument("--out", default="export", help="the folder to write into (default: export)")
    export.add_argument("--visibility", default=gradescope.DEFAULT_VISIBILITY, choices=gradescope.VISIBILITIES,
                        help="Gradescope: when students see each test's points and feedback (default: "
                        f"{gradescope.DEFAULT_VISIBILITY}, once you publish the grades)")
    export.add_argument("--image", default=prairielearn.DEFAULT_IMAGE,
                        help=f"PrairieLearn: the grader image named in info.json (default: {prairielearn.DEFAULT_IMAGE}"
                        "; better, an image built from the export's Dockerfile)")
    export.set_defaults(run=_export)

    try_export = commands.add_parser("try-export", help="grade a submission with an export, run here as its platform "
                                     "runs it (a container with its paths, made with bubblewrap; needs root)")
    try_export.add_argument("platform", choices=list(PLATFORMS))
    try_export.add_argument("submission", help="what a student uploads: a notebook, a zip or a folder")
    try_export.add_argument("--as-docker", action="store_true",
                            help="as in a Docker container that refuses bubblewrap (student code then runs as an "
                            "unprivileged user)")
    try_export.add_argument("--folder", help="where the container's folders go, kept afterwards (default: a "
                            "temporary folder)")
    try_export.set_defaults(run=_try_export)

    commands.add_parser("release", help="generate the student release (nbgrader) with its helpers"
                        ).set_defaults(run=_release)
    commands.add_parser("solutions", help="execute the worked solutions for self-learners"
                        ).set_defaults(run=_solutions)

    args = parser.parse_args(argv)
    if getattr(args, "unsafe", False):
        os.environ["CONVKIT_UNSAFE"] = "1"
    try:
        return args.run(args)
    except bubblewrap.SandboxUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
