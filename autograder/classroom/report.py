"""The class report: what the class got wrong, for the instructor.

:func:`write_report` reads the findings that ``grade-class`` keeps
(:mod:`autograder.classroom.findings`), gathers them
(:mod:`autograder.classroom.report_summary`) and writes

* ``class-report.html``: one self-contained page, its figures embedded as
  PNG data URIs (:mod:`autograder.classroom.report_figures`), no script, no
  other file, so it reads offline;
* ``class-misconceptions.csv``: a row per student, mistake, part and output;

and returns a short text summary for the terminal.
"""
import csv
import datetime
import html
from pathlib import Path

from autograder.classroom import findings, report_figures
from autograder.classroom.report_summary import summarise
from autograder.config import ASSIGNMENT, limit
from autograder.spec.parts import PARTS

HTML_NAME = "class-report.html"
CSV_NAME = "class-misconceptions.csv"
STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.number { text-align: right; }
img { max-width: 100%; }
"""


def _escape(value):
    return html.escape(str(value))


def _table(header, rows, numeric=()):
    """An HTML table; the columns at the positions in ``numeric`` are right-aligned."""
    head = "".join(f"<th>{_escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="number">{_escape(cell)}</td>' if k in numeric
                                    else f"<td>{_escape(cell)}</td>" for k, cell in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(uri, alt):
    return f'<p><img src="{uri}" alt="{_escape(alt)}"></p>' if uri else ""


def _places(places):
    return "; ".join(f"{student}: {', '.join(f'{key} {output}' for key, output in where)}"
                     for student, where in sorted(places.items()))


def _outputs(outputs):
    return ", ".join(outputs)


def page(summary):
    """The report as one HTML page (figures embedded, no script)."""
    n = len(summary.students)
    totals = sorted(summary.totals.values())
    median = totals[len(totals) // 2] if totals else 0.0
    sections = [
        f"<h1>What the class got wrong: {_escape(ASSIGNMENT)}</h1>",
        f"<p>{n} student{'s' if n != 1 else ''}; median total {median:.1f} of 100. "
        f"Written {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}.</p>",
        "<h2>Totals and part scores</h2>",
        _figure(report_figures.totals_histogram(summary), "histogram of the students' totals"),
        _figure(report_figures.part_scores(summary), "histograms of each part's scores"),
        "<h2>Full, partial and zero marks, per part and output</h2>",
        _figure(report_figures.output_shares(summary), "share of students with full, partial and zero marks"),
        _table(["part", "output", "full", "partial", "zero"],
               [(key, output, c["full"], c["partial"], c["zero"]) for (key, output), c in summary.shares.items()],
               numeric=(2, 3, 4)),
        "<h2>Misconceptions, by number of students</h2>",
        _figure(report_figures.mistakes_bars(summary), "bar chart of the misconceptions by number of students"),
        _table(["misconception", "students", "what it means", "who, where"],
               [(m.id, len(m.students), m.explanation, _places(m.places)) for m in summary.mistakes],
               numeric=(1,)) if summary.mistakes else "<p>No misconception was named.</p>",
        "<h2>What the failing cases share</h2>",
        "<p>For an output that fails in some cases and passes in others, the feature that the failing "
        "cases have and no passing case has.</p>",
        _figure(report_figures.features_bars(summary), "bar chart of the case features that make students fail"),
        _table(["feature", "students", "what to check", "who, where"],
               [(f.condition, len(f.students), f.hint, _places(f.places)) for f in summary.features],
               numeric=(1,)) if summary.features else "<p>No feature sets failing cases apart.</p>",
        f"<h2>Students who need help (total below {summary.help_below:g})</h2>",
        _table(["student", "total"], [(s, f"{t:.2f}") for s, t in summary.need_help], numeric=(1,))
        if summary.need_help else "<p>None.</p>",
        "<h2>Time limits, crashes and exceptions</h2>",
        _table(["student", "part", "outputs", "what happened"],
               [(s, key, _outputs(outputs), trouble) for s, key, outputs, trouble in summary.troubles])
        if summary.troubles else "<p>None.</p>",
        "<h2>Functions missing or not written</h2>",
        _table(["student", "part", "functions"], [(s, key, ", ".join(f)) for s, key, f in summary.not_written])
        if summary.not_written else "<p>None.</p>",
        "<h2>Repaired at intake</h2>",
        _table(["student", "what was repaired"], summary.intake) if summary.intake else "<p>None.</p>",
        "<h2>The tiny CNN: held-out accuracy with each student's layer</h2>",
        _figure(report_figures.cnn_accuracy(summary), "histogram of the tiny CNN's held-out accuracy"),
        _table(["student", "accuracy"], [(s, f"{100 * a:.1f} %") for s, a in sorted(summary.accuracies.items())],
               numeric=(1,)) if summary.accuracies else "<p>No student's layer trained the network.</p>",
        "<h2>Every student</h2>",
        _table(["student", "total", *PARTS, "misconceptions"],
               [(s, f"{summary.totals[s]:.2f}", *(f"{summary.part_scores[key][s]:.2f}" for key in PARTS),
                 ", ".join(m.id for m in summary.mistakes if s in m.places)) for s in summary.students],
               numeric=tuple(range(1, len(PARTS) + 2))),
    ]
    body = "\n".join(section for section in sections if section)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class report: '
            f"{_escape(ASSIGNMENT)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")


def text(summary):
    """A short summary for the terminal."""
    totals = sorted(summary.totals.values())
    if not totals:
        return "Class report: no findings yet (run grade-class first)."
    lines = [f"Class report: {len(totals)} students, totals {totals[0]:.1f} to {totals[-1]:.1f}, "
             f"median {totals[len(totals) // 2]:.1f} (of 100)"]
    if summary.mistakes:
        lines.append("Misconceptions (students: who):")
        lines += [f"  {len(m.students):>3}  {m.id}: {', '.join(m.students)}" for m in summary.mistakes]
    if summary.features:
        lines.append("Failing cases share (students): "
                     + "; ".join(f"{f.condition} ({len(f.students)})" for f in summary.features[:5]))
    if summary.need_help:
        lines.append(f"Need help (below {summary.help_below:g}): "
                     + ", ".join(f"{s} {t:.1f}" for s, t in summary.need_help))
    if summary.troubles:
        lines.append("Time limits, crashes, exceptions: "
                     + "; ".join(f"{s} {key} {_outputs(o)}: {t}" for s, key, o, t in summary.troubles))
    if summary.intake:
        lines.append(f"Repaired at intake: {', '.join(sorted({s for s, _ in summary.intake}))}")
    if summary.accuracies:
        accuracies = sorted(summary.accuracies.values())
        lines.append(f"cnn accuracy: {100 * accuracies[0]:.1f} % to {100 * accuracies[-1]:.1f} %, "
                     f"median {100 * accuracies[len(accuracies) // 2]:.1f} %")
    return "\n".join(lines)


def export_csv(summary, path):
    """A row per student, mistake, part and output, for a spreadsheet."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "misconception", "part", "output", "students with it", "what it means"])
        for mistake in summary.mistakes:
            for student, where in sorted(mistake.places.items()):
                for key, output in where:
                    writer.writerow([student, mistake.id, key, output, len(mistake.students), mistake.explanation])
    return Path(path)


def write_report(course, help_below=None, html_path=None, csv_path=None, only=None):
    """Write the class report of ``course`` from its findings; returns (text summary, HTML path, CSV path).

    Parameters
    ----------
    course : path
        The course root (its ``findings/`` folder).
    help_below : float, optional
        Students with a total below this need help (default: the ``CONVKIT_HELP_BELOW`` limit).
    html_path, csv_path : path, optional
        Where to write (default: ``class-report.html`` and ``class-misconceptions.csv`` in the course).
    only : collection of str, optional
        Report only these students.
    """
    course = Path(course)
    help_below = limit("CONVKIT_HELP_BELOW") if help_below is None else float(help_below)
    summary = summarise(findings.load_class(course, only), help_below)
    html_path = Path(html_path or course / HTML_NAME)
    html_path.write_text(page(summary), encoding="utf-8")
    csv_path = export_csv(summary, csv_path or course / CSV_NAME)
    return text(summary), html_path, csv_path
