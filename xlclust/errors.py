"""Exceptions that carry a message meant for the person running the workflow."""


class XlclustError(Exception):
    """Base class: the message names the file, line or config key at fault."""


class ConfigError(XlclustError):
    """An invalid configuration value; the message names the config key."""


class DumpError(XlclustError):
    """A Wikipedia dump that cannot be read; the message names the file."""


class DownloadError(XlclustError):
    """A download that failed or did not verify; the message names the URL or file."""
