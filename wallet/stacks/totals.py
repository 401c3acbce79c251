"""Adding up a stack: credit points and hours over the parts that carry them.

A sum alone would mislead when some parts say nothing, so the totals also count the parts
that carry each figure, those that carry neither, and the withdrawn ones left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from wallet.credentials.achievement import Workload, workload_of
from wallet.credentials.models import CredentialStatus, StoredCredential
from wallet.stacks.models import StackPart, StackTotals

WITHDRAWN = ("revoked", "suspended")


class Tally:
    """Totals built one part at a time, so a scan over every credential keeps no list
    (plain numbers while adding: a model's attribute writes cost more over 10,000)."""

    def __init__(self) -> None:
        self.parts = self.withdrawn = self.without_workload = 0
        self.with_credit_points = self.with_hours = 0
        self.credit_points = self.hours = 0.0

    def add(self, status: CredentialStatus, workload: Workload) -> None:
        self.parts += 1
        if status in WITHDRAWN:
            self.withdrawn += 1
            return
        if workload.credit_points is not None:
            self.credit_points += workload.credit_points
            self.with_credit_points += 1
        if workload.hours is not None:
            self.hours += workload.hours
            self.with_hours += 1
        if workload.credit_points is None and workload.hours is None:
            self.without_workload += 1

    @property
    def totals(self) -> StackTotals:
        return StackTotals(
            parts=self.parts,
            counted=self.parts - self.withdrawn,
            credit_points=self.credit_points if self.with_credit_points else None,
            hours=self.hours if self.with_hours else None,
            with_credit_points=self.with_credit_points,
            with_hours=self.with_hours,
            without_workload=self.without_workload,
            withdrawn=self.withdrawn,
        )


def totals_of(credentials: Iterable[StoredCredential]) -> StackTotals:
    tally = Tally()
    for credential in credentials:
        tally.add(credential.status, workload_of(credential))
    return tally.totals


def part_of(credential: StoredCredential) -> StackPart:
    workload = workload_of(credential)
    return StackPart(
        id=credential.id,
        title=credential.title,
        format=credential.format,
        issuer_label=credential.issuer_label,
        issued=credential.issued,
        status=credential.status,
        credit_points=workload.credit_points,
        hours=workload.hours,
    )
