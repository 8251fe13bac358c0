"""The S3 setting, exercised against an S3-protocol server on the loopback that the test starts (moto's
server mode stands in for a real object store such as MinIO, Ceph or a cloud bucket)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medtek.config.settings.base import attachment_storage
from medtek.documents.models import Attachment
from medtek.documents.tests.isolation import PDF
from medtek.inventory.tests.factories import DeviceFactory

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")


@pytest.fixture
def s3(settings: Any) -> Any:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = f"medtek-{uuid.uuid4().hex[:12]}"
    env = {
        "MEDTEK_S3_BUCKET": bucket,
        "MEDTEK_S3_ENDPOINT_URL": endpoint,
        "MEDTEK_S3_REGION": "eu-north-1",
        "MEDTEK_S3_ACCESS_KEY_ID": "test",
        "MEDTEK_S3_SECRET_ACCESS_KEY": "test",
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-north-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    settings.STORAGES = {**settings.STORAGES, "attachments": attachment_storage(env)}
    client.bucket = bucket
    yield client
    server.stop()


def test_the_s3_setting_chooses_django_storages(s3: Any) -> None:
    assert type(storages["attachments"]).__module__ == "storages.backends.s3"


def test_an_attachment_is_stored_in_and_read_back_from_the_object_store(world: Any, s3: Any) -> None:
    device = DeviceFactory(owner=world.berg)
    client = Client()
    client.force_login(world.tech)
    response = client.post(
        f"/documents/devices/{device.pk}/upload/",
        {"file": SimpleUploadedFile("intyg.pdf", PDF), "kind": "certificate"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = s3.get_object(Bucket=s3.bucket, Key=attachment.key)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == attachment.sha256
    # Not readable without credentials: the object store's own URL gives nothing away.
    assert s3.get_object_acl(Bucket=s3.bucket, Key=attachment.key)["Grants"][0]["Permission"] == (
        "FULL_CONTROL"
    )
    download = client.get(f"/documents/files/{attachment.pk}/")
    assert b"".join(download.streaming_content) == PDF
    other = Client()
    other.force_login(world.ostersund_contact)
    assert other.get(f"/documents/files/{attachment.pk}/").status_code == 404
