"""Parses the DAG folder the way Airflow does and reports, as JSON, the DAGs found, import errors and
any warning (deprecations included) raised while the DAG files ran. Used by the tests."""

import json
import sys
import warnings

from airflow.dag_processing.dagbag import DagBag  # imported first: Airflow's own import-time warnings are not ours

folder = sys.argv[1]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    bag = DagBag(dag_folder=folder)
print(json.dumps({
    "dags": {dag_id: sorted(t.task_id for t in dag.tasks) for dag_id, dag in bag.dags.items()},
    "import_errors": bag.import_errors,
    "warnings": [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught],
}))
