"""Certificates for grading on a Dask cluster over mutual TLS: ``python -m autograder cluster-certs DIR``.

A plain ``tcp://`` Dask cluster runs any code that anyone who reaches its
port sends it: a stranger on the network could read the hidden reference on
a worker, or patch the grading code (``client.run``) so that every student
gets full marks. With TLS, every connection to the scheduler and the workers
must present a certificate signed by the cluster's own certificate
authority, in both directions, and the traffic is encrypted; a client with
no certificate, or one from another authority, is refused at the handshake.

:func:`make` writes that authority and a certificate for each role: the
scheduler, the workers and the graders (the machines that run
``grade-class``). The authority's key signs them and is needed only to make
more; keep it off the cluster. :func:`commands` gives the command lines that
use them. Keys are ECDSA P-256, each file readable by its owner only.
"""
import datetime
import ipaddress
import os
import socket
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROLES = ("scheduler", "worker", "grader")
DAYS = 365
CA = "ca.pem"


def files(folder, role):
    """The certificate and key of ``role`` in ``folder``: (``<role>.pem``, ``<role>-key.pem``)."""
    return Path(folder) / f"{role}.pem", Path(folder) / f"{role}-key.pem"


def _write(path, data, private=False):
    path.write_bytes(data)
    path.chmod(0o600 if private else 0o644)


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _alternative_names(hosts):
    names = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def _certificate(subject, issuer, public_key, signing_key, days, authority=False, hosts=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=authority, path_length=0 if authority else None), critical=True))
    if authority:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
    else:
        # Every member of a Dask cluster both serves connections and opens them.
        builder = builder.add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        builder = builder.add_extension(_alternative_names(hosts), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def default_hosts():
    """The names a scheduler on this machine answers to: loopback, and this machine's name."""
    return ["127.0.0.1", "localhost", socket.gethostname()]


def make(folder, hosts=None, days=DAYS, name="convkit grading cluster"):
    """Write a certificate authority and a certificate and key for each of :data:`ROLES` into ``folder``.

    Parameters
    ----------
    folder : Path
        Created when missing; an authority already there is reused (its key signs the new certificates).
    hosts : list of str, optional
        Names and addresses the scheduler and workers are reached by (default :func:`default_hosts`).
        Dask does not check them (it trusts the authority alone), but other TLS clients may.
    days : int
        How long the certificates are valid.

    Returns
    -------
    dict
        ``{"ca": path, role: (certificate path, key path), ...}``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    ca_path, ca_key_path = folder / CA, folder / "ca-key.pem"
    if ca_path.is_file() and ca_key_path.is_file():
        authority = x509.load_pem_x509_certificate(ca_path.read_bytes())
        authority_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    else:
        authority_key = _key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} authority")])
        authority = _certificate(subject, subject, authority_key.public_key(), authority_key, days, authority=True)
        _write(ca_key_path, _pem(authority_key), private=True)
        _write(ca_path, authority.public_bytes(serialization.Encoding.PEM))
    made = {"ca": ca_path}
    for role in ROLES:
        key = _key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} {role}")])
        certificate = _certificate(subject, authority.subject, key.public_key(), authority_key, days,
                                   hosts=hosts or default_hosts())
        cert_path, key_path = files(folder, role)
        _write(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
        _write(key_path, _pem(key), private=True)
        made[role] = (cert_path, key_path)
    return made


def tls_options(folder, role):
    """The ``--tls-*`` options of the ``dask`` command lines (and of ``grade-class``) for ``role``."""
    cert, key = files(folder, role)
    return ["--tls-ca-file", str(Path(folder) / CA), "--tls-cert", str(cert), "--tls-key", str(key)]


def commands(folder, scheduler_host="0.0.0.0", scheduler_address="tls://SCHEDULER-HOST:8786"):
    """The command lines that use the certificates in ``folder``: the scheduler, a worker, grade-class."""
    encrypted = "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION=True"
    return {
        "scheduler": " ".join([encrypted, "dask", "scheduler", "--protocol", "tls", "--host", scheduler_host,
                               "--port", "8786", *tls_options(folder, "scheduler")]),
        "worker": " ".join([encrypted, "dask", "worker", scheduler_address, "--nthreads", "1",
                            *tls_options(folder, "worker")]),
        "grader": " ".join(["python", "-m", "autograder", "grade-class", "--cluster", scheduler_address,
                            *tls_options(folder, "grader")]),
    }


def describe(folder):
    """What :func:`make` wrote and how to use it, for the command line."""
    lines = [f"certificates for a TLS grading cluster in {folder}:",
             f"  {CA} (the authority: every machine needs it); ca-key.pem (signs certificates: keep it off the "
             "cluster)"]
    lines += [f"  {role}.pem, {role}-key.pem" for role in ROLES]
    lines += ["", "copy ca.pem and a role's two files to each machine (the keys stay readable by their owner only), "
              "then:"]
    lines += [f"  {role}: {line}" for role, line in commands(folder).items()]
    return "\n".join(lines)


def security(ca_file=None, cert=None, key=None):
    """A Dask ``Security`` for a grader: mutual TLS with these files, encryption required.

    Files not given come from Dask's configuration (``distributed.comm.tls.ca-file``,
    ``distributed.comm.tls.client.cert`` and ``.key``), as Dask itself reads them.
    """
    import dask
    from distributed.security import Security

    ca_file = ca_file or dask.config.get("distributed.comm.tls.ca-file", None)
    cert = cert or dask.config.get("distributed.comm.tls.client.cert", None)
    key = key or dask.config.get("distributed.comm.tls.client.key", None)
    missing = [what for what, value in (("a CA file (--tls-ca-file)", ca_file), ("a certificate (--tls-cert)", cert),
                                         ("its key (--tls-key)", key)) if not value]
    if missing:
        raise ValueError(f"a tls:// cluster needs {', '.join(missing)}, from the command line or Dask's "
                         "configuration (distributed.comm.tls.*); `python -m autograder cluster-certs DIR` makes them")
    for path in (ca_file, cert, key):
        if not os.path.isfile(path):
            raise ValueError(f"no such file: {path}")
    return Security(tls_ca_file=str(ca_file), tls_client_cert=str(cert), tls_client_key=str(key),
                    require_encryption=True)
