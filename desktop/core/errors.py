"""Errors a person can act on: each message says what is wrong and what to do."""

from __future__ import annotations


class EvidenceError(Exception):
    """Base of every error shown to a person; str(error) is the finished message."""

    exit_code = 1


class UsageError(EvidenceError):
    """The command was called the wrong way."""

    exit_code = 2


class CaseNotFoundError(EvidenceError):
    """The folder is not a case folder."""


class CaseExistsError(EvidenceError):
    """A new case was asked for in a folder that already holds files."""


class CaseBusyError(EvidenceError):
    """Another process holds the case's write lock."""


class ReadOnlyCaseError(EvidenceError):
    """The case folder cannot be written."""


class DiskFullError(EvidenceError):
    """The disk ran out of space."""


class ImportRejectedError(EvidenceError):
    """A file offered for import is not an image the program accepts."""


class NoteError(EvidenceError):
    """A note is too long, empty, or names an event it cannot refer to."""
