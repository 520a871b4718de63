#!/usr/bin/env python3
"""Unit tests for the kb generator's merging rules (run by ctest as kbgen_test)."""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_places as g  # noqa: E402


class SlugTest(unittest.TestCase):
    def test_folds_turkish_vietnamese_and_punctuation(self):
        for name, want in [("İbrahim Kalın", "ibrahim-kalin"), ("Đà Nẵng", "da-nang"),
                           ("Washington, D.C.", "washington-d-c"), ("Gideon Sa'ar", "gideon-sa-ar")]:
            self.assertEqual(g.slug(name), want, name)


class NamesTest(unittest.TestCase):
    def test_latin_spelling_shared_by_two_languages_moves_to_star(self):
        n = g.Names()
        n.add("en", "Helsinki")
        n.add("vi", "Helsinki")
        n.add("tr", "Helsingfors")
        self.assertEqual(n.render(), {"*": ["Helsinki"], "tr": ["Helsingfors"]})

    def test_arabic_harakat_variants_collapse_to_one_alias(self):
        n = g.Names()
        n.add("ar", "الولايات المتّحدة")
        n.add("ar", "الولايات المتحدة")
        self.assertEqual(n.render(), {"ar": ["الولايات المتحدة"]})

    def test_arabic_parenthesis_gives_two_names(self):
        n = g.Names()
        n.add("ar", "هيبرون (مدينة الخليل)")
        self.assertEqual(n.render(), {"ar": ["هيبرون", "مدينة الخليل"]})

    def test_menu_forms_and_disambiguators_are_not_names(self):
        n = g.Names()
        n.add("en", "Congo - Kinshasa")
        n.add("en", "Georgia (country)")
        self.assertEqual(n.render(), {})

    def test_remove_drops_every_language_by_matching_key(self):
        n = g.Names()
        n.add("ar", "عُمان")
        n.add("en", "Oman")
        n.remove(["عمان"])
        self.assertEqual(n.render(), {"en": ["Oman"]})


class ExemplarTest(unittest.TestCase):
    zone = {"tz": "America/Argentina/San_Juan", "names": {"en": "San Juan", "ar": "سان خوان"}}

    def test_disambiguated_title_keeps_bare_exemplar_as_short_form(self):
        names, short = g.Names(), {}
        g.add_exemplars(names, short, "San Juan, Argentina", self.zone, {})
        self.assertEqual(names.render(), {})
        self.assertEqual(short, {"*": ["San Juan"], "ar": ["سان خوان"]})

    def test_hand_alias_vouches_for_the_bare_name(self):
        names, short = g.Names(), {}
        g.add_exemplars(names, short, "San Juan, Argentina", self.zone, {"en": ["San Juan"]})
        self.assertEqual(short, {"ar": ["سان خوان"]})
        self.assertEqual(names.render(), {"en": ["San Juan"]})

    def test_plain_title_takes_every_exemplar(self):
        names, short = g.Names(), {}
        zone = {"tz": "Europe/Istanbul", "names": {"en": "Istanbul", "tr": "İstanbul", "ar": "إسطنبول"}}
        g.add_exemplars(names, short, "Istanbul", zone, {})
        self.assertEqual(short, {})
        # İstanbul folds to the English spelling (the matcher folds Turkish i's), so one "*" name.
        self.assertEqual(names.render(), {"*": ["Istanbul"], "ar": ["إسطنبول"]})


if __name__ == "__main__":
    unittest.main()
