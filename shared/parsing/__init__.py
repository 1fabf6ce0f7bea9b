"""Lead parsing: pure functions from raw email bytes to lead records (no Google clients)."""

from shared.parsing.mail import headline
from shared.parsing.parse import DEFAULT_TZ, detect, parse_email
from shared.parsing.record import PARSER_VERSION, Lead

__all__ = ["DEFAULT_TZ", "PARSER_VERSION", "Lead", "detect", "headline", "parse_email"]
