"""jidi_docs: one YAML file in, the complete 杭州跨境电商人才社会培训基地认定 application out.

The public API is what this module exports; everything else is internal and may change. The
pipeline's stages are the sub-packages, lowest first: ``schema`` (profiles and the model),
``input`` (YAML and spreadsheets), ``forms`` (the Word forms), ``pdf`` (conversion and the
bundle), ``review`` (预审), ``pipeline`` (bundle, batch, init), then ``cli``.

Why lazy: every command imports this package, ``--help`` included; importing each public name on
first use keeps start-up to what the command needs (see ``benchmarks/startup.py``). The public
names are functions and classes only, so none of them is shadowed by a sub-module's name. Each is
written once, in the ``if TYPE_CHECKING:`` block below (see `jidi_docs._lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

if TYPE_CHECKING:
    from ._version import __version__ as __version__
    from .errors import BatchInterrupted as BatchInterrupted
    from .errors import BundleError as BundleError
    from .errors import ConversionError as ConversionError
    from .errors import EvidenceError as EvidenceError
    from .errors import InputError as InputError
    from .errors import InternalError as InternalError
    from .errors import Issue as Issue
    from .errors import JidiDocsError as JidiDocsError
    from .errors import OutputError as OutputError
    from .errors import ProfileError as ProfileError
    from .errors import TemplateError as TemplateError
    from .errors import UserError as UserError
    from .errors import ValidationFailed as ValidationFailed
    from .forms import Extracted as Extracted
    from .forms import render as render
    from .input import YamlDoc as YamlDoc
    from .input import get_profile as get_profile
    from .input import json_schema as json_schema
    from .input import load as load
    from .input import loads as loads
    from .input import validate as validate
    from .pdf import Converter as Converter
    from .pdf import ImageOptions as ImageOptions
    from .pipeline import BatchResult as BatchResult
    from .pipeline import InitResult as InitResult
    from .pipeline import ItemResult as ItemResult
    from .pipeline import ProgressEvent as ProgressEvent
    from .pipeline import batch as batch
    from .pipeline import bundle as bundle
    from .pipeline import extract as extract
    from .pipeline import init as init
    from .review import CheckReport as CheckReport
    from .review import ConditionResult as ConditionResult
    from .review import check as check
    from .schema import Application as Application
    from .schema import BasicInfo as BasicInfo
    from .schema import BrandActivity as BrandActivity
    from .schema import Evidence as Evidence
    from .schema import Honour as Honour
    from .schema import Lecturer as Lecturer
    from .schema import Manager as Manager
    from .schema import Matchmaking as Matchmaking
    from .schema import Period as Period
    from .schema import Profile as Profile
    from .schema import Qualification as Qualification
    from .schema import Registry as Registry
    from .schema import Scores as Scores
    from .schema import Training as Training
    from .schema import Venue as Venue

attach(__name__, __file__)
