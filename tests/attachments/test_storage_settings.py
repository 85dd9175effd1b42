"""Files stay on the file system by default; a named bucket moves them to S3-compatible storage."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage


def _storage_in_a_fresh_process(env: dict[str, str]) -> str:
    code = (
        "import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'zhiguan.settings');"
        "django.setup(); from django.conf import settings as c; print(json.dumps(c.STORAGES['default']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return out.stdout.splitlines()[-1]


def test_the_default_is_the_file_system_under_media_root():
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert isinstance(default_storage, FileSystemStorage)


def test_a_bucket_in_the_environment_selects_s3_with_private_objects():
    import json

    conf = json.loads(
        _storage_in_a_fresh_process(
            {
                "ZHIGUAN_S3_BUCKET": "zhiguan-files",
                "ZHIGUAN_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
                "ZHIGUAN_S3_ACCESS_KEY": "minio",
                "ZHIGUAN_S3_SECRET_KEY": "minio-secret",
                "DATABASE_URL": "",
            }
        )
    )
    assert conf["BACKEND"] == "storages.backends.s3.S3Storage"
    options = conf["OPTIONS"]
    assert options["bucket_name"] == "zhiguan-files"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False


def test_the_s3_backend_is_installed_and_builds_from_those_options():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(bucket_name="zhiguan-files", endpoint_url="http://127.0.0.1:9000", location="zhiguan")
    assert storage.bucket_name == "zhiguan-files" and storage.location == "zhiguan"
