"""Intake: what a student handed in, made the release's notebooks before anything is graded.

Students hand in what their tools make: a notebook renamed by a second
download (``02_conv2d (1).ipynb``) or by Jupyter's Duplicate
(``04_channels-Copy1.ipynb``), a folder unpacked inside another, a zip of
the folder, a notebook whose cell metadata an editor stripped. Intake works
on a grading copy, never on the submission, keeps the student's code as it
is, and says what it did in notes that reach the instructor, the student's
feedback and the class report.

* :mod:`~autograder.intake.finding`: where the notebooks are (the folder, one
  or two folders down, zip files);
* :mod:`~autograder.intake.unzip`: a zip's notebooks, unpacked within limits
  (a zip bomb is reported, not unpacked);
* :mod:`~autograder.intake.identify`: which release notebook each file is, by
  the cells only that notebook has, the functions it defines and its name,
  and the one matching of files to notebooks;
* :mod:`~autograder.intake.prepare`: the grading copy laid out as released
  (``prepare``), the cells' nbgrader metadata made the release's, and the
  notes as a cell the feedback shows.

The same intake serves ``grade-class`` (and so its Dask workers) and
``python -m autograder grade``; plain ``nbgrader autograde``, which reads
the submitted files by their names, gets the cell repairs
(:class:`autograder.pipeline.restore_metadata.RestoreCellMetadata`).
"""
