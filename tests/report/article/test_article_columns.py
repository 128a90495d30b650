"""The article's tables list their columns; the words and kinds come from one vocabulary."""

from __future__ import annotations

import pandas as pd

from research.report.article.columns import ARTICLE_WORDS, article_columns


def test_a_listed_column_gets_the_vocabulary_words_and_its_decimals():
    data = pd.DataFrame(columns=["estimate", "ci_low", "status", "n"])
    formats = article_columns(data, [("estimate", 2), ("ci_low", 2), "status"])
    assert list(formats) == ["estimate", "ci_low", "status"]
    assert formats["ci_low"].decimals == 2
    assert formats["ci_low"].header("ci_low", "en") == "95% CI low"
    assert formats["ci_low"].header("ci_low", "da") == "nedre"
    assert formats["status"].kind == "text"


def test_a_table_may_use_its_own_words_and_columns_it_lacks_are_left_out():
    data = pd.DataFrame(columns=["n", "estimate"])
    formats = article_columns(data, [("n", None, "RKVs", "RKV'er"), "p_value", "estimate"])
    assert list(formats) == ["n", "estimate"]  # p_value was not estimated
    assert formats["n"].header("n", "da") == "RKV'er"
    assert formats["estimate"].header("estimate", "da") == ARTICLE_WORDS["estimate"][2]


def test_every_vocabulary_entry_is_a_known_kind_with_both_languages():
    for name, (kind, en, da) in ARTICLE_WORDS.items():
        assert kind in {"number", "percent", "date", "text"} and en and da, name
