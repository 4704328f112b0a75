# nbgrader's Validate reads this file when Jupyter is started in this folder.
# Notebook 05 trains a tiny CNN on your layer, which can take longer than
# nbgrader's default of 30 seconds per cell; this gives each cell 600 s,
# as `python -m convkit.validate` does.
c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.Execute.timeout = 600
