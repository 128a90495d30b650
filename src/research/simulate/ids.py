"""Synthetic identifiers in bulk: CPR numbers, CVR numbers and pseudonyms.

Why: ``make_synthetic_cpr`` and ``make_synthetic_cvr`` in ``research.domain.identifiers`` are
per-number Python functions; a scale-1,000 run needs millions of numbers. The functions here
apply exactly the same rules with numpy (a test compares them number by number), and the CPR
numbers are pseudonymised at once with the public demo key, so that no CPR number is stored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.identifiers import DEMO_KEY, SYNTHETIC_CVR_PREFIX, pseudonymise

_CPR_HEAD_WEIGHTS = np.array([4, 3, 2, 7, 6, 5])
_CVR_WEIGHTS = np.array([2, 7, 6, 5, 4, 3, 2])


def _century_ok(yy: np.ndarray, seventh: int, year: np.ndarray) -> np.ndarray:
    """Whether this 7th digit resolves the two-digit year to ``year`` (domain-facts §8.1)."""
    if seventh <= 3:
        century = np.full_like(yy, 1900)
    elif seventh in (4, 9):
        century = np.where(yy <= 36, 2000, 1900)
    else:
        century = np.where(yy <= 57, 2000, 1800)
    return century + yy == year


def synthetic_cpr_numbers(birth: np.ndarray, female: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Ten-digit CPR numbers (as int64) that ``make_synthetic_cpr`` would give.

    ``birth`` is datetime64[D], never 1 January; ``serial`` numbers people with the same birth
    date and sex 0, 1, 2, ...; the numbers fail modulus 11 on purpose.
    """
    birth = np.asarray(birth, dtype="datetime64[D]")
    n = birth.size
    stamp = pd.DatetimeIndex(birth)
    day, month, year = stamp.day.to_numpy(), stamp.month.to_numpy(), stamp.year.to_numpy()
    if np.any((day == 1) & (month == 1)):
        raise ValueError("synthetic CPR numbers are never dated 1 January")
    yy = year % 100
    head = np.stack([day // 10, day % 10, month // 10, month % 10, yy // 10, yy % 10], axis=1)
    head_sum = head @ _CPR_HEAD_WEIGHTS
    parity = np.where(np.asarray(female, dtype=bool), 0, 1)
    remaining = np.asarray(serial, dtype=np.int64).copy()
    seventh_out = np.full(n, -1)
    middle_out = np.full(n, -1)
    last_out = np.full(n, -1)
    open_ = np.ones(n, dtype=bool)
    for seventh in range(10):
        active = open_ & _century_ok(yy, seventh, year)
        if not active.any():
            continue
        for middle in range(100):
            partial = head_sum + 4 * seventh + 3 * (middle // 10) + 2 * (middle % 10)
            bad = (-partial) % 11  # the one last digit that would pass modulus 11
            bad_in_set = (bad < 10) & (bad % 2 == parity)
            usable = 5 - bad_in_set
            take = active & (remaining < usable)
            if take.any():
                last = parity + 2 * remaining
                last = np.where(bad_in_set & (last >= bad), last + 2, last)
                seventh_out[take] = seventh
                middle_out[take] = middle
                last_out[take] = last[take]
                open_ &= ~take
                active &= ~take
            remaining = np.where(active, remaining - usable, remaining)
            if not active.any():
                break
    if open_.any():
        raise ValueError("the synthetic CPR serial space is exhausted for some birth dates")
    head_number = (day * 100 + month) * 100 + yy
    return head_number.astype(np.int64) * 10_000 + seventh_out * 1000 + middle_out * 10 + last_out


def cpr_text(numbers: np.ndarray) -> list[str]:
    """Ten digits, zero-padded (the pseudonymisation input)."""
    return [f"{x:010d}" for x in numbers.tolist()]


def serial_within(
    birth: np.ndarray, female: np.ndarray, taken: SerialsTaken | None = None
) -> np.ndarray:
    """0, 1, 2, ... within each (birth date, sex), in the given order; after the serials
    ``taken`` already holds for that date and sex (which it then counts too)."""
    frame = pd.DataFrame({"b": birth, "f": female})
    serial = frame.groupby(["b", "f"], sort=False).cumcount().to_numpy()
    if taken is not None:
        serial = serial + taken.claim(frame)
    return serial


class SerialsTaken:
    """How many CPR serials each (birth date, sex) has used so far, across calls.

    Why: a programme simulated in chunks (``simulate.chunks``) draws its people chunk by
    chunk; their CPR numbers, and so their pseudonyms, must never repeat across chunks.
    """

    def __init__(self) -> None:
        self.counts: pd.Series | None = None  # by (birth date, sex)

    def claim(self, frame: pd.DataFrame) -> np.ndarray:
        """The first free serial for each row's (birth date, sex); counts the rows as used."""
        used = frame.groupby(["b", "f"], sort=False).size()
        if self.counts is None:
            self.counts = used
            return np.zeros(len(frame), dtype=np.int64)
        keys = pd.MultiIndex.from_frame(frame[["b", "f"]])
        start = self.counts.reindex(keys).fillna(0).to_numpy(dtype=np.int64)
        self.counts = used.add(self.counts, fill_value=0).astype(np.int64)
        return start


def pseudonyms(
    birth: np.ndarray, female: np.ndarray, taken: SerialsTaken | None = None
) -> np.ndarray:
    """A demo-key pseudonym for each person; the CPR numbers exist only inside this call."""
    numbers = synthetic_cpr_numbers(birth, female, serial_within(birth, female, taken))
    return np.array([pseudonymise(text, DEMO_KEY) for text in cpr_text(numbers)], dtype=object)


def synthetic_cvrs(serials: np.ndarray) -> np.ndarray:
    """The CVR numbers ``make_synthetic_cvr`` gives for these serials (as 8-character text)."""
    serials = np.asarray(serials, dtype=np.int64)
    if serials.size and (serials.min() < 0 or serials.max() >= 90_000):
        raise ValueError("synthetic CVR serials must be between 0 and 89,999")
    block, pick = np.divmod(serials, 9)
    prefix = int(SYNTHETIC_CVR_PREFIX)
    digits6 = np.stack(
        [
            np.full_like(block, prefix // 10),
            np.full_like(block, prefix % 10),
            block // 1000,
            block // 100 % 10,
            block // 10 % 10,
            block % 10,
        ],
        axis=1,
    )
    base = digits6 @ _CVR_WEIGHTS[:6]
    remainders = (base[:, None] + 2 * np.arange(10)[None, :]) % 11  # by 7th digit
    usable = remainders != 1
    order = np.cumsum(usable, axis=1) - 1  # rank of each usable 7th digit
    seventh = np.argmax(usable & (order == pick[:, None]), axis=1)
    remainder = remainders[np.arange(serials.size), seventh]
    check = np.where(remainder == 0, 0, 11 - remainder)
    number = (prefix * 10_000 + block) * 100 + seventh * 10 + check
    return np.array([f"{x:08d}" for x in number.tolist()], dtype=object)
