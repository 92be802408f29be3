"""Reading what a flow run showed in the Prefect UI, for tests against the real server."""

import asyncio

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey


async def _latest(key: str):
    async with get_client() as client:
        found = await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
        return sorted(found, key=lambda a: a.created)[-1]


def latest_artifact(key: str):
    """The newest artifact under ``key``."""
    return asyncio.run(_latest(key))
