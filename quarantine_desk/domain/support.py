"""Resolution 68/NQ-CP support for the people of a centralized quarantine facility: who qualifies, for how many
days, and how much.

Source: Nghị quyết 68/NQ-CP ngày 01/7/2021 của Chính phủ, phần II, mục 10, and Quyết định 23/2021/QĐ-TTg ngày
07/7/2021 (the chapter on support for children and for people treated for COVID-19 or in medical quarantine):
"hỗ trợ tiền ăn 80.000 đồng/người/ngày ... đối với trường hợp phải cách ly y tế (F1) (tối đa 21 ngày)" and
"hỗ trợ thêm 1.000.000 đồng/trẻ em" for a child under 16 who is F0 or F1. The rates and the cap are effective-dated
settings (``domain.rates``); the ones in force on the admission day apply to the whole stay.

The rule this program applies, for the stays of a facility that ended in the period (the support is settled when
the person leaves, from the stay record):
- days in quarantine are the real days of the stay (``domain.stays.days_stayed``: the admission day is day 1, the
  release morning is not counted);
- these outcomes qualify, for the days actually spent in the facility, at most the cap:
  completed (the period served), released_early (a manager's release before the end, always with its documented
  reason), transferred (to treatment: the days until the transfer; the treatment facility supports the F0 days
  under its own cap), home_quarantine (the days in the facility until the move home);
- "other" does not qualify (left for a reason that is not a release decision: the list leaves it out and says how
  many were left out);
- a child under 16 on the admission day gets the child support once on the list, even with two stays in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quarantine_desk.domain.stays import StayOutcome, days_stayed

QUALIFYING_OUTCOMES: frozenset[str] = frozenset(
    {
        StayOutcome.COMPLETED,
        StayOutcome.RELEASED_EARLY,
        StayOutcome.TRANSFERRED,
        StayOutcome.HOME_QUARANTINE,
    }
)


def qualifies(outcome: str | None) -> bool:
    return outcome in QUALIFYING_OUTCOMES


@dataclass(frozen=True)
class SupportRates:
    daily: int  # VND a person a day
    max_days: int
    child: int  # VND once for a child under 16


@dataclass(frozen=True)
class Support:
    days: int
    days_paid: int
    amount: int
    child_support: int

    @property
    def total(self) -> int:
        return self.amount + self.child_support


def support_for(
    admitted_at: datetime,
    released_at: datetime,
    rates: SupportRates,
    *,
    child: bool,
    child_paid: bool = False,
) -> Support:
    """The support of one ended, qualifying stay."""
    days = days_stayed(admitted_at, released_at)
    paid = min(days, rates.max_days)
    return Support(days, paid, paid * rates.daily, rates.child if child and not child_paid else 0)
