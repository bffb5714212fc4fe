"""Pipelines/k8s/*.yaml validate against the Kubernetes object schemas (strict: unknown
fields are errors), with kubernetes-validate from PyPI, which bundles the JSON schemas of
every Kubernetes version it supports and so works offline."""
import glob
import os

import kubernetes_validate
import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MANIFESTS = sorted(glob.glob(os.path.join(ROOT, "Pipelines", "k8s", "*.yaml")))
# The oldest Kubernetes release the bundled schemas cover (Indexed Jobs are GA since 1.24)
# and the newest one they cover.
VERSIONS = ["1.25", kubernetes_validate.latest_version()]


def documents(path):
    with open(path) as file:
        return [doc for doc in yaml.safe_load_all(file) if doc is not None]


def test_there_are_manifests():
    names = [os.path.basename(path) for path in MANIFESTS]
    assert "lime-partitions.yaml" in names and "lime-merge.yaml" in names


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=os.path.basename)
def test_manifest_matches_the_kubernetes_schema(path, version):
    for doc in documents(path):
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_rejects_a_broken_job():
    """The check has teeth: a misspelt field and a wrongly typed one are both errors."""
    job = documents(os.path.join(ROOT, "Pipelines", "k8s", "lime-partitions.yaml"))[0]
    misspelt = dict(job, spec=dict(job["spec"], completionsMode="Indexed"))
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, VERSIONS[-1], strict=True)
    mistyped = dict(job, spec=dict(job["spec"], completions="eight"))
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(mistyped, VERSIONS[-1], strict=True)
