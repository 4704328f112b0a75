"""Platforms: the same engine, graded where a course collects its notebooks (Gradescope, PrairieLearn).

* :mod:`~autograder.platforms.bundle`: the grader's files a platform runs
  (the engine, the hidden reference, the release notebooks intake reads,
  pinned requirements, the set-up script);
* :mod:`~autograder.platforms.outcome`: a grade as a platform shows it, one
  test per part and output, with the engine's feedback lines;
* :mod:`~autograder.platforms.gradescope` and
  :mod:`~autograder.platforms.prairielearn`: each platform's export and its
  ``results.json``, as its documentation specifies them;
* :mod:`~autograder.platforms.run`: what runs on the platform for each
  submission: the isolation, the intake and grading of whatever was
  uploaded, and a valid results file whatever happened.

``python -m autograder export gradescope|prairielearn`` writes an export.
"""
