"""The private emulator: fresh, on its own port, with the local cloud's moto settings.

Its fixes have their tests in test_moto_fixes.py and the modules it names.
"""

import socket

import pytest

from devtools import localcloud as lc
from devtools.privatemoto import PrivateMoto


@pytest.fixture(scope="module")
def private():
    with PrivateMoto() as moto:
        yield moto


def test_it_is_not_the_shared_emulator_and_starts_empty(private, localcloud):
    assert private.port != localcloud.moto_port
    assert private.client("s3").list_buckets()["Buckets"] == []


def test_debian_13_images_come_from_the_project_list(private):
    images = private.client("ec2").describe_images(
        Owners=["136693071363"], Filters=[{"Name": "name", "Values": ["debian-13-amd64-*"]}]
    )["Images"]
    assert len(images) == 2
    assert lc.MOTO_AMIS_FILE.exists()


def test_aws_managed_policies_exist(private):
    arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    assert private.client("iam").get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn


def test_stopping_frees_the_port():
    moto = PrivateMoto().start()
    port = moto.port
    moto.stop()
    assert not lc.port_open("127.0.0.1", port)


def test_a_port_taken_since_it_was_chosen_is_never_mistaken_for_the_emulator():
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        moto = PrivateMoto()
        moto.port = squatter.getsockname()[1]
        try:
            with pytest.raises(lc.LocalCloudError, match="exited early"):
                moto.start()
        finally:
            moto.stop()
