"""Seconds per submission on a loopback Dask cluster with 1, 2 and 3 workers, against the local ``--jobs`` path.

For each N in 1, 2, 3, side by side in one run on copies of the same class
(the demo class's full submissions, seed 1): ``grade_class(jobs=N)`` on this
machine, then ``grade_class(cluster=...)`` through a scheduler and N one-thread
workers, each a separate process on 127.0.0.1. The overhead the cluster adds
per submission is (cluster - local) / local at the same N; the target is
under 10 % of a submission's grading time.

    python -m bench.cluster_throughput [--students 3] [--workers 1 2 3] [--smoke] [--out DIR]
"""
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.classroom import grading
from autograder.course.demo_class import submissions
from autograder.course.nbgrader_course import hand_in, make_course
from autograder.course.release import ASSIGNMENT
from bench import results

BIN = Path(sys.executable).parent


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackCluster:
    """A scheduler and ``workers`` one-thread workers, each its own process, on 127.0.0.1."""

    def __init__(self, workers, logs):
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        port = self.address.rsplit(":", 1)[1]
        start = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd=logs)
        self.processes = [subprocess.Popen([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", port,
                                            "--no-dashboard"], **start)]
        self.processes += [subprocess.Popen([BIN / "dask", "worker", self.address, "--nthreads", "1",
                                             "--no-dashboard", "--host", "127.0.0.1"], **start)
                           for _ in range(workers)]
        from distributed import Client
        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        for process in self.processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def seconds_per_submission(course, students, **where):
    start = time.perf_counter()
    outcomes = grading.grade_class(course, **where)
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    return (time.perf_counter() - start) / students, grading.part_scores(course)


def run(students=3, workers=(1, 2, 3)):
    os.environ["CONVKIT_SEED"] = "1"
    result = {"students": students, "cores": os.cpu_count(), "python": platform.python_version(), "rows": []}
    with tempfile.TemporaryDirectory(prefix="convkit-bench-") as tmp:
        tmp = Path(tmp)
        course = make_course(tmp / "class")
        everyone = submissions(course / "assignments" / ASSIGNMENT)
        for name in sorted(everyone)[:students]:
            hand_in(course, name, everyone[name])
        for count in workers:
            local, local_grades = seconds_per_submission(shutil.copytree(course, tmp / f"local{count}"),
                                                         students, jobs=count)
            with LoopbackCluster(count, tmp) as cluster:
                remote, remote_grades = seconds_per_submission(shutil.copytree(course, tmp / f"cluster{count}"),
                                                               students, cluster=cluster.address)
            assert remote_grades == local_grades, "the cluster graded differently"
            row = {"n": count, "local_jobs_s_per_submission": local, "cluster_workers_s_per_submission": remote,
                   "overhead_fraction": (remote - local) / local}
            result["rows"].append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)  # a long run shows each N as it ends
    return result


def main(argv=None):
    parser = results.parser(__doc__)
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args(argv)
    result = run(1, [1]) if args.smoke else run(args.students, args.workers)
    lines = ["| N | local --jobs N: s per submission | cluster, N workers: s per submission | cluster overhead |",
             "|---|---|---|---|"]
    for row in result["rows"]:
        lines.append(f"| {row['n']} | {row['local_jobs_s_per_submission']:.1f} | "
                     f"{row['cluster_workers_s_per_submission']:.1f} | {100 * row['overhead_fraction']:+.0f} % |")
    heading = f"{result['students']} submissions, {result['cores']} cores, Python {result['python']}"
    results.save("cluster_throughput", result, heading, "\n".join(lines), args.out, args.smoke)


if __name__ == "__main__":
    main()
