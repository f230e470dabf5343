"""Stream users from the Random User API into Kafka, by hand from the Airflow UI or on a schedule.

The DAG only describes the workflow; every step runs the ``streamline`` CLI:

1. ``check_kafka``: ``streamline topics ensure|check`` - Kafka reachable, topics there (fails fast).
2. ``produce``: ``streamline produce --summary-file ...`` - fetch and publish; returns the summary.
3. ``verify_summary``: fails if any record failed or a topic got fewer records than asked for.
4. ``wait_for_catch_up`` (optional): ``streamline lag --wait`` - the streaming queries read it all.

The ``pipeline`` param names the pipeline file every step runs (``--pipeline``); by default the
``STREAMLINE_PIPELINE`` env of the Airflow services (Compose sets it to the mounted pipelines
directory's file, deploy/compose.yaml), else the CLI's own choice (docs/pipelines.md).

Settings that are not per-run live outside the DAG (no secrets here):
- ``STREAMLINE_CLI`` env or the ``streamline_cli`` Variable: the command to run (default: this
  checkout's ``node bin/streamline.js``, or ``streamline`` on PATH);
- ``STREAMLINE_KAFKA_BOOTSTRAP_SERVERS`` env or the ``streamline_kafka_bootstrap`` Variable, when
  the ``kafka_bootstrap`` param is empty; everything else the CLI reads from its own config/env;
- ``STREAMLINE_DAG_SCHEDULE`` env: a cron expression or preset (default: manual trigger only);
- ``STREAMLINE_AIRFLOW_RETRIES`` env: retries of the Kafka check and the producer (default 2).
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import Param, Variable, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

log = logging.getLogger(__name__)

DEFAULT_TOPICS = ["users.profile", "users.location", "users.contact", "users.account"]
REPO_CLI = Path(__file__).resolve().parent.parent / "bin" / "streamline.js"
RETRIES = int(os.environ.get("STREAMLINE_AIRFLOW_RETRIES", "2"))
# How long the producer may take to flush what is in flight after SIGTERM before it is killed.
FLUSH_GRACE_SECONDS = 30
EXIT_USAGE, EXIT_INTERRUPTED = 2, 130

PARAMS = {
    "pipeline": Param(os.environ.get("STREAMLINE_PIPELINE"), type=["null", "string"],
                      description="The pipeline file the CLI runs (--pipeline), e.g. /opt/streamline/pipelines/randomuser.ts. "
                                  "Default: the STREAMLINE_PIPELINE env; empty: ./streamline.pipeline.ts if present, else the built-in Random User pipeline."),
    "topics": Param(DEFAULT_TOPICS, type="array", items={"type": "string"}, minItems=1,
                    description="Canonical topics to publish (each user becomes one record per topic)."),
    "topic_prefix": Param("", type="string", pattern=r"^[A-Za-z0-9._-]*$",
                          description="Publish each topic as <prefix><topic>, e.g. 'dev.' for an isolated run; empty: the topic names as they are."),
    "count": Param(1000, type=["null", "integer"], minimum=1,
                   description="Users to produce (one record per topic each). Empty: run until duration."),
    "duration": Param(None, type=["null", "string"], pattern=r"^\d+(\.\d+)?(ms|s|m|h)$",
                      description="Stop after this long, e.g. 60s or 5m (with count: whichever comes first)."),
    "rate": Param(None, type=["null", "number"], exclusiveMinimum=0, description="Upper bound in users per second. Empty: as fast as the pacing allows."),
    "interval": Param(None, type=["null", "string"], pattern=r"^\d+(\.\d+)?(ms|s)?\.\.\d+(\.\d+)?(ms|s)$",
                      description="Uniform random gap between API fetches, e.g. 50..150ms or 1s..3s (alternative to mean_rate)."),
    "mean_rate": Param(None, type=["null", "number"], exclusiveMinimum=0,
                       description="Exponential gaps with this mean number of fetches per second (alternative to interval)."),
    "api_url": Param(None, type=["null", "string"],
                     description="Random User API, e.g. https://randomuser.me/api/. Empty: the producer serves the offline-compatible API in-process."),
    "batch_size": Param(None, type=["null", "integer"], minimum=1, maximum=5000,
                        description="Users per API request (1..5000). Empty: min(count, 500)."),
    "seed": Param(None, type=["null", "string", "integer"], description="Same seed, same users in the same order. Empty: a random seed (logged in the summary)."),
    "pii": Param("keep", type="string", enum=["keep", "mask", "hash"], description="Email and phone numbers: keep, mask or hash. Passwords and hashes are always dropped."),
    "kafka_bootstrap": Param(None, type=["null", "string"],
                             description="Kafka bootstrap servers, e.g. kafka-1:9092. Empty: the streamline_kafka_bootstrap Variable, then the CLI's config/env."),
    "create_topics": Param(True, type="boolean", description="Create missing topics in the first task; off: fail if any is missing."),
    "wait_for_catch_up": Param(False, type="boolean", description="After producing, wait until the streaming queries have read every record (lag 0)."),
    "catch_up_timeout": Param("10m", type="string", pattern=r"^\d+(\.\d+)?(ms|s|m|h)$", description="How long wait_for_catch_up may take."),
}


def streamline_command() -> list[str]:
    configured = os.environ.get("STREAMLINE_CLI") or Variable.get("streamline_cli", default=None)
    if configured:
        return shlex.split(configured)
    return ["node", str(REPO_CLI)] if REPO_CLI.exists() else ["streamline"]


def kafka_topics(params: dict) -> list[str]:
    return [f"{params['topic_prefix']}{topic}" for topic in params["topics"]]


def pipeline_args(params: dict) -> list[str]:
    return ["--pipeline", params["pipeline"]] if params["pipeline"] else []


def kafka_args(params: dict) -> list[str]:
    bootstrap = params["kafka_bootstrap"] or Variable.get("streamline_kafka_bootstrap", default=None)
    return ["--kafka", bootstrap] if bootstrap else []


def produce_args(params: dict, summary_file: str) -> list[str]:
    optional = {
        "--count": params["count"], "--duration": params["duration"], "--rate": params["rate"],
        "--interval": params["interval"], "--mean-rate": params["mean_rate"], "--api-url": params["api_url"],
        "--seed": params["seed"], "--batch-size": params["batch_size"],
    }
    args = ["produce", "--topics", ",".join(params["topics"]), "--pii", params["pii"], "--summary-file", summary_file]
    if params["topic_prefix"]:
        args += ["--publish-as", ",".join(f"{topic}={params['topic_prefix']}{topic}" for topic in params["topics"])]
    for flag, value in optional.items():
        if value is not None and value != "":
            args += [flag, str(value)]
    return args + kafka_args(params) + pipeline_args(params)


@contextmanager
def forwarding_sigterm(proc: subprocess.Popen):
    """Airflow stops a task with SIGTERM: pass it on, so the CLI flushes what is in flight and reports."""
    previous = signal.getsignal(signal.SIGTERM)

    def forward(signum, frame):
        log.warning("SIGTERM: asking the streamline CLI (pid %s) to finish the records in flight", proc.pid)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, forward)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_cli(args: list[str]) -> tuple[int, list[str]]:
    """Runs the CLI with its output in the task log; on timeout or kill, stops it gracefully first.
    Returns the exit code and the CLI's error/hint lines, for the task's failure message."""
    command = streamline_command() + args
    log.info("running: %s", shlex.join(command))
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    problems: list[str] = []
    try:
        with forwarding_sigterm(proc):
            assert proc.stdout is not None
            for line in proc.stdout:
                log.info("%s", line.rstrip())
                if line.startswith(("error:", "hint:")):
                    problems.append(line.strip())
            return proc.wait(), problems
    finally:
        # Reached early on execution_timeout (AirflowTaskTimeout) or any other interruption.
        if proc.poll() is None:
            log.warning("stopping the streamline CLI (pid %s): SIGTERM, then up to %ss to flush", proc.pid, FLUSH_GRACE_SECONDS)
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=FLUSH_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def fail_on_exit_code(result: tuple[int, list[str]], what: str) -> None:
    code, problems = result
    detail = " | ".join(problems) or "see the log above"
    if code == EXIT_USAGE:
        raise AirflowFailException(f"{what}: the streamline CLI rejected its arguments or config (exit 2; retrying will not help): {detail}")
    if code != 0:
        raise RuntimeError(f"{what} failed (streamline exit {code}): {detail}")


RETRYING = {"retries": RETRIES, "retry_delay": timedelta(seconds=5), "retry_exponential_backoff": 2.0, "max_retry_delay": timedelta(minutes=2)}


@task(execution_timeout=timedelta(minutes=2), **RETRYING)
def check_kafka() -> list[str]:
    params = get_current_context()["params"]
    topics = kafka_topics(params)
    action = "ensure" if params["create_topics"] else "check"
    fail_on_exit_code(run_cli(["topics", action, "--topics", ",".join(topics), "--timeout", "20s", *kafka_args(params), *pipeline_args(params)]), "Kafka check")
    return topics


@task(execution_timeout=timedelta(hours=int(os.environ.get("STREAMLINE_PRODUCE_TIMEOUT_HOURS", "6"))), **RETRYING)
def produce(topics: list[str]) -> dict:
    params = get_current_context()["params"]
    with tempfile.TemporaryDirectory(prefix="streamline-produce-") as tmp:
        summary_file = Path(tmp) / "summary.json"
        code, problems = run_cli(produce_args(params, str(summary_file)))
        if code == EXIT_INTERRUPTED:
            raise RuntimeError("the producer was interrupted (SIGTERM/SIGINT): it flushed the records in flight; see its summary above")
        if code not in (0, 1) or not summary_file.exists():
            fail_on_exit_code((code or 1, problems), "produce")
        # Exit 1 with a summary: records failed; verify_summary reports which, without re-producing.
        return json.loads(summary_file.read_text())


@task(retries=0)
def verify_summary(summary: dict) -> dict:
    params = get_current_context()["params"]
    for topic, produced in summary["produced"].items():
        log.info("%-28s produced %8d  failed %6d", topic, produced, summary["failed"].get(topic, 0))
    log.info("fetched %s, invalid %s, fetch errors %s, seed %s, stop: %s",
             summary["fetched"], summary["invalid"], summary["fetchErrors"], summary["seed"], summary["stopReason"])
    problems = [f"{topic}: {n} failed ({summary['failureReasons'].get(topic, 'no reason given')})" for topic, n in summary["failed"].items() if n]
    if summary["stopReason"] == "fetch-failed":
        problems.append(f"the API kept failing: {summary.get('lastFetchError', 'no detail')}")
    if params["count"] and summary["stopReason"] == "count":
        problems += [f"{topic}: {n} produced, expected {params['count']}" for topic, n in summary["produced"].items() if n != params["count"]]
    if problems or not summary["ok"]:
        raise AirflowFailException("the producer did not deliver every record: " + ("; ".join(problems) or "see the summary above"))
    return summary["totals"]


@task(execution_timeout=timedelta(hours=1), **RETRYING)
def wait_for_catch_up() -> None:
    params = get_current_context()["params"]
    if not params["wait_for_catch_up"]:
        raise AirflowSkipException("wait_for_catch_up is off")
    fail_on_exit_code(run_cli(["lag", "--wait", "--timeout", params["catch_up_timeout"], *pipeline_args(params)]), "wait for catch-up")


@dag(
    dag_id="stream_to_kafka",
    description="Random User API -> streamline producer -> Kafka topics",
    schedule=os.environ.get("STREAMLINE_DAG_SCHEDULE") or None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["streamline", "kafka"],
    params=PARAMS,
    doc_md=__doc__,
    render_template_as_native_obj=True,
)
def stream_to_kafka():
    topics = check_kafka()
    summary = produce(topics)
    verify_summary(summary) >> wait_for_catch_up()


stream_to_kafka()
