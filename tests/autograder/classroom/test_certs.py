"""Certificates for a TLS grading cluster, and the refusals that keep strangers and passwords out: a plain
cluster off this machine, a password on the command line."""
import ssl
import stat
import subprocess
import sys

import pytest
from cryptography import x509

from autograder.classroom import certs, gradebook
from autograder.classroom.cluster import InsecureCluster, security_for
from autograder.config import ROOT


def test_cluster_certs_writes_an_authority_and_a_certificate_per_role_that_it_signed(tmp_path):
    """Does `cluster-certs` write ca.pem and, for the scheduler, workers and graders, a certificate the authority
    signed and a key only its owner can read, and print the command lines that use them?"""
    done = subprocess.run([sys.executable, "-m", "autograder", "cluster-certs", str(tmp_path / "certs")],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    folder = tmp_path / "certs"
    authority = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    for role in certs.ROLES:
        cert, key = certs.files(folder, role)
        x509.load_pem_x509_certificate(cert.read_bytes()).verify_directly_issued_by(authority)
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        context = ssl.create_default_context(cafile=str(folder / "ca.pem"))
        context.load_cert_chain(str(cert), str(key))  # a key that goes with its certificate
        assert f"--tls-cert {cert}" in done.stdout
    assert stat.S_IMODE((folder / "ca-key.pem").stat().st_mode) == 0o600
    assert "dask scheduler --protocol tls" in done.stdout and "dask worker tls://" in done.stdout


def test_certificates_made_again_keep_the_authority(tmp_path):
    """Does a second run reuse the authority, so that certificates made later still join the cluster?"""
    first = certs.make(tmp_path)
    authority = first["ca"].read_bytes()
    second = certs.make(tmp_path, hosts=["10.0.0.7"])
    assert second["ca"].read_bytes() == authority
    x509.load_pem_x509_certificate(second["worker"][0].read_bytes()).verify_directly_issued_by(
        x509.load_pem_x509_certificate(authority))


@pytest.mark.parametrize("address", ["tcp://10.1.2.3:8786", "tcp://grading.example.org:8786", "10.1.2.3:8786",
                                     "ws://10.1.2.3:8786"])
def test_a_plain_cluster_off_this_machine_is_refused_unless_insecure(address):
    """Is a cluster address without TLS off loopback refused, saying why and how to set up TLS, unless insecure?"""
    with pytest.raises(InsecureCluster, match="cluster-certs"):
        security_for(address)
    assert security_for(address, insecure=True) is None


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786"])
def test_a_plain_cluster_on_loopback_is_taken(address):
    """Is a plain cluster on this machine (nobody else can reach it) taken as it is?"""
    assert security_for(address) is None


def test_a_tls_cluster_needs_the_three_files(tmp_path):
    """Does a tls:// address without certificates fail, naming what is missing and the command that makes it, and
    give a Security requiring encryption with them?"""
    with pytest.raises(ValueError, match="needs a CA file .*cluster-certs"):
        security_for("tls://127.0.0.1:8786")
    made = certs.make(tmp_path)
    security = security_for("tls://127.0.0.1:8786", (str(made["ca"]), *map(str, made["grader"])))
    assert security.require_encryption and security.tls_client_cert == str(made["grader"][0])


def test_grade_class_refuses_an_insecure_cluster_and_a_password_on_the_command_line(tmp_path):
    """Does grade-class exit 2 before connecting, with the reason, for a plain remote cluster and for a --db URL
    that carries a password, never printing the password?"""
    course = tmp_path / "course"
    (course / "submitted").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    base = [sys.executable, "-m", "autograder", "grade-class", "--course", str(course), "--csv",
            str(tmp_path / "g.csv")]
    plain = subprocess.run(base + ["--cluster", "tcp://192.0.2.1:8786"], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert plain.returncode == 2 and "refusing the plain tcp:// cluster" in plain.stderr
    secret = "s3cret-Passw0rd"
    with_password = subprocess.run(base + ["--db", f"postgresql://grader:{secret}@127.0.0.1/gradebook"], cwd=ROOT,
                                   capture_output=True, text=True, timeout=120)
    assert with_password.returncode == 2 and "PGPASSWORD" in with_password.stderr
    assert secret not in with_password.stdout + with_password.stderr


def test_a_password_is_masked_wherever_a_url_is_shown():
    """Is a URL's password shown as *** (and one without a password left whole)?"""
    assert gradebook.masked("postgresql://grader:pw@db.example.org:5432/book") == \
        "postgresql://grader:***@db.example.org:5432/book"
    assert gradebook.masked("postgresql://grader@db/book?sslmode=require") == "postgresql://grader@db/book?sslmode=require"
    assert gradebook.has_password("postgresql://g:pw@h/b") and not gradebook.has_password("postgresql://g@h/b")
