"""Bokmål formatting of dates and kroner for letters and notices."""

from datetime import date
from decimal import Decimal

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember")
NBSP = "\u00a0"


def format_date(day: date) -> str:
    """2025-04-22 -> '22. april 2025'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def format_kroner(amount: Decimal | int) -> str:
    """150000 -> '150 000 kr'; 1234.5 -> '1 234,50 kr' (non-breaking spaces)."""
    amount = Decimal(amount)
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    text = text.replace(",", NBSP).replace(".", ",")
    return f"{text}{NBSP}kr"
