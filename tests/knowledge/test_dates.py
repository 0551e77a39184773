"""Publication dates: metadata first, else a window inferred from the text and from titles."""
import datetime as dt

import jsonschema

from auditor.knowledge.dates import Constraint, infer, parse_date, scan

from conftest import REPORT_SCHEMA

D = dt.date
TODAY = D(2026, 11, 22)


def validate(rec):
    schema = dict(REPORT_SCHEMA["$defs"]["article"]["properties"]["published"])
    schema["$defs"] = REPORT_SCHEMA["$defs"]
    jsonschema.Draft202012Validator(schema).validate(rec)


def test_metadata_wins_with_its_provenance(make_article):
    p = infer(make_article("On December 23, 2023 it rained.",
                           published="2024-01-05T10:00:00+02:00",
                           meta={"published_from": "html:meta"}), today=TODAY)
    assert p.value == D(2024, 1, 5) and p.provenance == "html:meta" and p.window == (p.value, p.value)
    validate(p.to_record())


def test_parse_date_formats():
    assert parse_date("2024-03-05") == D(2024, 3, 5)
    assert parse_date("Tue, 05 Mar 2024 10:00:00 GMT") == D(2024, 3, 5)
    assert parse_date("5 March 2024") == D(2024, 3, 5)
    assert parse_date("not a date") is None
    assert parse_date("") is None


def test_modal_may_and_weekdays_are_not_dates():
    kinds = [(m.kind, m.text) for m in scan("A ceasefire may still be achieved; talks on Tuesday. "
                                            "They march on. It may 16 times fail.")]
    assert not [k for k in kinds if k[0] in ("full", "month-year", "yearless")]
    assert ("relative", "on Tuesday") in kinds
    got = [(m.kind, m.text) for m in scan("Talks on May 16 and in April 2022; on December 23, 2023 too.")]
    assert ("yearless", "May 16") in got and ("month-year", "April 2022") in got
    assert ("full", "December 23, 2023") in got


def test_explicit_date_bounds_the_window_but_future_sentences_do_not(make_article):
    p = infer(make_article("On December 23, 2023, the Times reported. Elections will be held "
                           "on March 31, 2030."), today=TODAY)
    assert p.provenance == "inferred" and p.window == (D(2023, 12, 23), TODAY)
    used = [e for e in p.evidence if e["used"]]
    assert [e["text"] for e in used] == ["December 23, 2023"]
    validate(p.to_record())


def test_yearless_date_after_the_latest_dated_event(make_article):
    p = infer(make_article("On December 23, 2023, the Times reported. Bloomberg's report on "
                           "January 25 followed."), today=TODAY)
    assert p.window[0] == D(2024, 1, 25)
    ev = next(e for e in p.evidence if e["text"] == "January 25")
    assert ev["used"] and "assumption" in ev["note"]


def test_yearless_dates_inside_the_window_titles_imply(make_article):
    cons = [Constraint(D(2023, 6, 1), D(9999, 12, 31), "Foreign Minister A"),
            Constraint(D(2020, 8, 5), D(2026, 1, 2), "spy chief B")]
    p = infer(make_article("On July 3 they spoke; the first round was on May 16."), cons,
              today=TODAY)
    assert p.window == (D(2025, 7, 3), D(2026, 1, 2))


def test_weekday_pins_the_year(make_article):
    cons = [Constraint(D(2020, 1, 1), D(2025, 12, 31), "X")]
    p = infer(make_article("It happened on Tuesday, May 14, in Kyiv."), cons, today=TODAY)
    assert p.window[0] == D(2024, 5, 14)      # 14 May was a Tuesday in 2024 (and 2019)


def test_outvoted_title_is_reported(make_article):
    a = Constraint(D(2024, 5, 14), D(9999, 12, 31), "Defence Minister Belousov")
    b = Constraint(D(2021, 1, 26), D(2025, 1, 20), "Secretary of State Blinken")
    c = Constraint(D(2012, 11, 6), D(2024, 5, 12), "Defence Minister Shoigu")
    # two against one but in a tie of two and two: no side is taken, the window is their hull
    p = infer(make_article("Nothing dated here."), [a, b, c], today=TODAY)
    assert p.window == (D(2021, 1, 26), D(2025, 1, 20)) and p.outvoted == []
    d = Constraint(D(2024, 9, 5), D(9999, 12, 31), "Foreign Minister Sybiha")
    p = infer(make_article("Nothing dated here."), [a, b, c, d], today=TODAY)
    assert p.window == (D(2024, 9, 5), D(2025, 1, 20))
    assert p.outvoted == [c]


def test_nothing_to_go_on(make_article):
    p = infer(make_article("No dates at all, only last month and yesterday."), today=TODAY)
    assert p.value is None and p.window is None and p.provenance is None
    assert {e["text"] for e in p.evidence} == {"last month", "yesterday"}
    assert not any(e["used"] for e in p.evidence)
    validate(p.to_record())
