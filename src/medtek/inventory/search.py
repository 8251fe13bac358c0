"""Finding devices by what people call them: asset, serial or UDI number, model, manufacturer, device
type (category) and placement.

Each word of the search is first resolved against the small tables (device models with their
manufacturers, placements: thousands of rows, trigram-indexed on PostgreSQL) into model and placement
ids; the register itself is then only read through its own indexes. A device matches when every word
matches it somewhere: a prefix of its asset or serial number, its UDI-DI, or its model's or placement's
names.

On PostgreSQL a page of search results is a UNION ALL of branches, each an index range read in the
list's order that stops at the page size: the asset-number prefix as a range on the asset number's own
index, each matching model and placement as an equality on the leading column of the (model, asset
number) and (location, asset number) indexes. Branches whose index cannot give that order (serial
number, UDI-DI) sort their own matches by an expression no index provides, so the planner can never
walk the whole register in asset-number order hoping to meet matches early (issue: `q=BA00600` took
1,152 ms instead of 1.5 ms after an ANALYZE made that walk look cheap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Upper
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from medtek.core.process_cache import ProcessCache
from medtek.organizations.querysets import array_literal

MAX_WORDS = 5
# Serial numbers are matched from the fourth character typed: their branch reads all its matches (its index
# cannot give the list's order), and a shorter prefix matches too much of a register to be a search.
SERIAL_MIN_LENGTH = 4
# A word matching more models or placements than this is common (e.g. a manufacturer of half the
# register): one filter on the id list then, not a branch per id.
MAX_BRANCH_IDS = 40


def words(q: str) -> list[str]:
    """The search's words (at most five), each at most 40 characters."""
    return [w[:40] for w in q.split()[:MAX_WORDS]]


@dataclass
class WordMatch:
    """What one word names: a code prefix, and the models and placements whose names contain it."""

    word: str
    model_ids: list[int] = field(default_factory=list)
    location_ids: list[int] = field(default_factory=list)

    def condition(self) -> Q:
        """The devices this word matches, as one condition (for counts, exports and SQLite)."""
        cond = code_condition(self.word)
        if self.model_ids:
            cond |= Q(model_id__any_of=self.model_ids)
        if self.location_ids:
            cond |= Q(location_id__any_of=self.location_ids)
        return cond


# What a word names (model ids, placement ids), kept in the process for SEARCH_NAMES_CACHE_SECONDS: models
# and placements are reference data that changes seldom, and reading them took 1–5 ms of a search at
# 1,000,000 devices (a word too short for the trigram indexes reads every placement). A model, manufacturer
# or placement saved in this process clears it; other processes see the change within those seconds.
_named: ProcessCache[str, tuple[tuple[int, ...], tuple[int, ...]]] = ProcessCache(
    seconds=float(settings.MEDTEK.get("SEARCH_NAMES_CACHE_SECONDS", 10)), max_entries=2000
)


def forget_names_on_change() -> None:
    """Clear the words' cache when a device model, manufacturer or placement is saved or deleted."""
    from medtek.inventory.models import DeviceModel, Manufacturer
    from medtek.organizations.models import Location

    _named.forget_on_change((DeviceModel, Manufacturer, Location), "medtek-search-names")


def resolve(q: str) -> list[WordMatch]:
    """Each word of `q` with the ids of the models and placements it names: from the process's cache
    (outside a transaction), else all the words not kept in one statement.

    A model is named by its name, device type (category) or manufacturer's name containing the word, or
    its nomenclature code starting with it; a placement by its name containing the word or its code
    being the word; in any case, as Django's icontains, istartswith and iexact match. Models are
    reference data every user reads; placements are resolved without scope because they only ever
    narrow the user's own (scoped) devices.
    """
    found = words(q)
    if not found:
        return []
    out = [WordMatch(word) for word in found]
    cached = _named.usable()
    missing: list[int] = []
    for i, match in enumerate(out):
        kept = _named.get(match.word) if cached else None
        if kept is None:
            missing.append(i)
        else:
            match.model_ids, match.location_ids = list(kept[0]), list(kept[1])
    if not missing:
        return out
    sql = " UNION ALL ".join([_resolve_sql()] * len(missing))
    params: list[Any] = []
    for i in missing:
        word = found[i]
        like = connection.ops.prep_for_like_query(word)
        params += [i, f"%{like}%", f"%{like}%", f"%{like}%", f"{like}%", i, f"%{like}%", word]
    with connection.cursor() as cur:
        cur.execute(f"SELECT word_no, found_as, id FROM ({sql}) named ORDER BY word_no, found_as, id", params)
        for i, found_as, pk in cur.fetchall():
            (out[i].location_ids if found_as else out[i].model_ids).append(pk)
    if cached:
        for i in missing:
            _named.put(found[i], (tuple(out[i].model_ids), tuple(out[i].location_ids)))
    return out


@cache
def _resolve_sql() -> str:
    """One word's models (found_as 0) and placements (found_as 1), written once from the models' tables.
    `UPPER(col) LIKE UPPER('%word%')` is what PostgreSQL's trigram indexes of these names answer
    (migrations inventory 0004 and 0007); on SQLite the same SQL reads the small tables."""
    from medtek.inventory.models import DeviceModel, Manufacturer
    from medtek.organizations.models import Location

    text = "::text" if connection.vendor == "postgresql" else ""
    like = "LIKE UPPER(%s) ESCAPE '\\'"
    model, maker, place = DeviceModel._meta.db_table, Manufacturer._meta.db_table, Location._meta.db_table
    return (
        f"SELECT %s AS word_no, 0 AS found_as, m.id "
        f"FROM {model} m JOIN {maker} f ON f.id = m.manufacturer_id "
        f"WHERE UPPER(m.name{text}) {like} OR UPPER(m.category{text}) {like} "
        f"OR UPPER(f.name{text}) {like} OR UPPER(m.nomenclature_code{text}) {like} "
        f"UNION ALL SELECT %s, 1, p.id FROM {place} p "
        f"WHERE UPPER(p.name{text}) {like} OR UPPER(p.code{text}) = UPPER(%s)"
    )


def code_condition(term: str) -> Q:
    """Devices whose asset number (or, from the fourth character, serial number) starts with `term` in
    any case, or whose UDI-DI is `term`."""
    cond = starts_with("asset_number", term) | Q(udi_di=term)
    if len(term) >= SERIAL_MIN_LENGTH:
        cond |= starts_with("serial_number", term)
    return cond


def starts_with(field: str, term: str) -> Q:
    """Rows whose `field` starts with `term`, in any case, through the register's search indexes.

    PostgreSQL answers UPPER(col) LIKE 'X%' from its pattern-ops index. SQLite's LIKE cannot use an index
    on a case-sensitive column, so there the prefix is a range on the UPPER(col) expression index
    (SQLite's UPPER knows ASCII only, so other text takes the LIKE).
    """
    if connection.vendor != "sqlite" or not term.isascii() or not term:
        return Q(**{f"{field}__istartswith": term})
    low = term.upper()
    high = low[:-1] + chr(ord(low[-1]) + 1)
    upper = Upper(field)
    return Q(GreaterThanOrEqual(upper, low), LessThan(upper, high))


@dataclass
class Branch:
    """One index read of a search page: its condition on the base rows `b` as SQL with its parameters,
    and whether its index gives the page's order (PostgreSQL).

    With `each` (ids), the read is repeated for each id, the condition naming it as `named.ref`: one
    subquery, planned once, run per model or placement (a LATERAL join over the ids).
    """

    sql: str
    params: list[Any]
    ordered: bool
    each: list[int] | None = None


def _prefix_range(term: str) -> tuple[str, str] | None:
    """[low, high) holding exactly the strings that start with `term` in code-point order."""
    if not term or ord(term[-1]) >= 0x10FFFF:
        return None
    following = ord(term[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates are no characters: the next one is U+E000
        following = 0xE000
    return term, term[:-1] + chr(following)


def _like_prefix(term: str) -> str:
    """`term%` with LIKE's own characters escaped (the backslash is PostgreSQL's LIKE escape)."""
    return connection.ops.prep_for_like_query(term) + "%"


def branches(match: WordMatch) -> list[Branch]:
    """The index reads that together find the devices one word matches (PostgreSQL).

    The asset-number prefix is read as ranges on the asset number itself, for each spelling the word
    can take (as typed, upper and lower case), with the LIKE kept so that any collation answers exactly.
    Each condition is written against the base rows `b` in the form the register's indexes answer.
    """
    word = match.word
    out: list[Branch] = []
    for spelling in dict.fromkeys((word, word.upper(), word.lower())):
        bounds = _prefix_range(spelling)
        if bounds:
            out.append(
                Branch(
                    "b.asset_number >= %s AND b.asset_number < %s AND b.asset_number::text LIKE %s",
                    [bounds[0], bounds[1], _like_prefix(spelling)],
                    ordered=True,
                )
            )
    if len(word) >= SERIAL_MIN_LENGTH:
        out.append(
            Branch(
                "(b.udi_di = %s OR UPPER(b.serial_number::text) LIKE UPPER(%s))",
                [word, _like_prefix(word)],
                ordered=False,
            )
        )
    else:
        out.append(Branch("b.udi_di = %s", [word], ordered=False))
    if len(match.model_ids) + len(match.location_ids) <= MAX_BRANCH_IDS:
        # One ordered range read per model and placement, through the (model, asset number) and (location,
        # asset number) indexes: each stops at the page. (One read of all of them could not come out in
        # asset-number order: it would read every device of every model named, a tenth of the register for
        # a device type, and sort them.) The reads of all the models are one subquery run per model, so
        # that a word naming twenty models is planned once, not twenty times with the scope each time.
        if match.model_ids:
            out.append(Branch("b.model_id = named.ref", [], ordered=True, each=list(match.model_ids)))
        if match.location_ids:
            out.append(Branch("b.location_id = named.ref", [], ordered=True, each=list(match.location_ids)))
        return out
    names = []
    params: list[Any] = []
    if match.model_ids:
        names.append("b.model_id = ANY(%s::bigint[])")
        params.append(array_literal(match.model_ids))
    if match.location_ids:
        names.append("b.location_id = ANY(%s::bigint[])")
        params.append(array_literal(match.location_ids))
    out.append(Branch("(" + " OR ".join(names) + ")", params, ordered=True))
    return out


def driving_word(matches: list[WordMatch]) -> WordMatch:
    """The word whose branches lead the search (the one naming the fewest models and placements)."""
    return min(matches, key=lambda m: (len(m.model_ids) + len(m.location_ids), -len(m.word)))


def union_sql(
    base: Any, matches: list[WordMatch], order: list[str], limit: int, *, sorted_: bool = True
) -> tuple[str, list[Any]]:
    """SQL for the rows (id and the order's columns) of `base` (scoped, filtered, after the cursor)
    that every word matches: a UNION ALL of index reads, each in `order` and stopping at `limit`.

    `base` (with the other words' conditions) is compiled once, and each branch reads it as a subquery
    `b` with its own condition; PostgreSQL pulls the subquery up, so each branch plans as one index read.
    (The scope stays a constant array in every branch: given as an InitPlan's value it would be planned
    once, but as an unknown, and the planner then read all of an MT user's devices through the owner
    index to intersect them with a model's.)

    Sorted, it returns the first `limit` devices in `order`, each once (a device met by several branches,
    e.g. its asset number and its model, is one row); unsorted, the branches one after the other, a device
    possibly more than once (for a capped count).
    """
    lead = driving_word(matches)
    rest = Q()
    for m in matches:
        if m is not lead:
            rest &= m.condition()
    fields = [o.lstrip("-") for o in order]
    columns = ["id" if f == "pk" else base.model._meta.get_field(f).column for f in fields]
    desc = [" DESC" if o.startswith("-") else "" for o in order]
    natural = ", ".join(f"{c}{d}" for c, d in zip(columns, desc, strict=True))
    qualified = ", ".join(f"b.{c}{d}" for c, d in zip(columns, desc, strict=True))
    # The same order through an expression no index provides: such a branch sorts only its own matches.
    forced = ", ".join(
        (f"b.{c}{d}" if c == "id" else f"COALESCE(b.{c}, b.{c}){d}")
        for c, d in zip(columns, desc, strict=True)
    )
    # The base's columns the order and the branches' conditions read.
    branch_columns = ["asset_number", "udi_di", "serial_number", "model_id", "location_id"]
    needed = dict.fromkeys(["id", *[f for f in fields if f != "pk"], *branch_columns])
    rows = base.filter(rest) if rest else base
    base_sql, base_params = rows.order_by().values_list(*needed).query.sql_with_params()
    out_cols = ", ".join(["id", *[c for c in columns if c != "id"]])
    parts: list[str] = []
    params: list[Any] = []
    for branch in branches(lead):
        read = (
            f"SELECT {out_cols} FROM ({base_sql}) b WHERE {branch.sql} "
            f"ORDER BY {qualified if branch.ordered else forced} LIMIT {int(limit)}"
        )
        if branch.each is None:
            parts.append(f"({read})")
            params.extend(base_params)
        else:
            each = "unnest(%s::bigint[]) AS named(ref)"
            parts.append(f"(SELECT {out_cols} FROM {each} CROSS JOIN LATERAL ({read}) each_read)")
            params.append(array_literal(branch.each))
            params.extend(base_params)
        params.extend(branch.params)
    union = " UNION ALL ".join(parts)
    if not sorted_:
        return f"SELECT {out_cols} FROM ({union}) hits LIMIT {int(limit)}", params
    return f"SELECT DISTINCT {out_cols} FROM ({union}) hits ORDER BY {natural} LIMIT {int(limit)}", params
