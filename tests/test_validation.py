"""pydantic's messages in bokmål at the boundary (pliktvakt.validation), issue 18."""

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pliktvakt import validation


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z]+$", min_length=1)
    count: int = Field(ge=1)
    kind: Literal["a", "b"]


def _reasons(**values) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Sample(**values)
    return {".".join(map(str, e["loc"])): validation.reason(e) for e in caught.value.errors()}


def test_pydantic_messages_in_bokmal():
    assert _reasons(id="", count=0, kind="c", extra=1) == {
        "id": "kan ikke være tom",
        "count": "må være minst 1",
        "kind": "må være en av a eller b",
        "extra": "ukjent felt",
    }
    assert _reasons(id="X1", count="mange") == {
        "id": "har ikke riktig form (mønsteret ^[a-z]+$)",
        "count": "må være et heltall",
        "kind": "mangler",
    }
