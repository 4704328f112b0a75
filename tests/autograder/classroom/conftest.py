"""The class-grading tests' real services (PostgreSQL, a Dask cluster) and the small class graded on them:
the fixtures live in ``class_services.py``, which the tests also import for its helpers."""
from class_services import dask_cluster, postgres, small_class, sqlite_reference  # noqa: F401 (fixtures)
