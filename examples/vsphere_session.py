"""What every example of the practical does first and last: read its command line, log in to the
vSphere API (SmartConnect opens one session with the server) and log out again, whatever happens.

    from vsphere_session import session

    with session(__doc__) as (args, content):
        ...  # content is the ServiceContent: rootFolder, viewManager, perfManager, about, ...

The command line is the same in every example: HOST USER PASSWORD [--port 443] [--json], plus
--vm NAME where the example acts on one VM (session(__doc__, vm_help='...')).

Certificate checks are off (an unverified SSL context): a lab ESXi, VMware's govmomi simulator and
Hypervisor Lab all present self-signed certificates. Against a production vCenter, pass a verifying
context (ssl.create_default_context()) instead.
"""
import argparse
import ssl
from contextlib import contextmanager

from pyVim.connect import SmartConnect, Disconnect


def parse_args(doc, vm_help=None):
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument('host'); ap.add_argument('user'); ap.add_argument('password')
    ap.add_argument('--port', type=int, default=443)
    if vm_help:
        ap.add_argument('--vm', help=vm_help)
    ap.add_argument('--json', action='store_true', help='print what was read as JSON (used by the tests)')
    return ap.parse_args()


@contextmanager
def session(doc, vm_help=None):
    """Parses the command line, logs in; yields (args, ServiceContent); always logs out."""
    args = parse_args(doc, vm_help)
    si = SmartConnect(host=args.host, user=args.user, pwd=args.password, port=args.port,
                      sslContext=ssl._create_unverified_context())
    try:
        yield args, si.RetrieveContent()
    finally:
        Disconnect(si)
