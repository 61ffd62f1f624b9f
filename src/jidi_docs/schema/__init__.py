"""The data every stage shares: the 认定批次 profiles and the application model built from them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._model import (
        Application,
        BasicInfo,
        BrandActivity,
        Evidence,
        Honour,
        Lecturer,
        Manager,
        Matchmaking,
        Period,
        Qualification,
        Scores,
        Training,
        Venue,
        model_for,
    )
    from ._profile import Profile, builtin_profile, builtin_profiles

__all__ = [
    "Application",
    "BasicInfo",
    "BrandActivity",
    "Evidence",
    "Honour",
    "Lecturer",
    "Manager",
    "Matchmaking",
    "Period",
    "Profile",
    "Qualification",
    "Scores",
    "Training",
    "Venue",
    "builtin_profile",
    "builtin_profiles",
    "model_for",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._model": (
            "Application",
            "BasicInfo",
            "BrandActivity",
            "Evidence",
            "Honour",
            "Lecturer",
            "Manager",
            "Matchmaking",
            "model_for",
            "Period",
            "Qualification",
            "Scores",
            "Training",
            "Venue",
        ),
        "._profile": ("builtin_profile", "builtin_profiles", "Profile"),
    },
)
