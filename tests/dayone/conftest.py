"""The publications tests' fixtures (ministry recipients, the SMTP server), for the delivery-day test."""

from tests.publications.conftest import pub_env, smtp  # noqa: F401  (fixtures, registered by import)
