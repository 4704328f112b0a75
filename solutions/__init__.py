"""Solutions, never shipped to students: the grader's hidden reference (reference/) and the worked notebooks (worked/)."""
