#!/usr/bin/env python3
"""Generates kb/entities/{countries,cities,regions}.jsonl.

Breadth comes from data other people maintain; correctness from our hand-maintained overrides:
  - CLDR (through ICU, dumped by kbgen_cldr_dump): country names and time-zone exemplar cities
    in en/ar/vi/tr;
  - Debian iso-codes: the ISO 3166-1 list, its translations (formal names), ISO 3166-2 names;
  - tools/kbgen/countries.jsonl, cities.jsonl, regions.jsonl, zones.json: canonical titles
    (English Wikipedia), common short forms, demonyms, capitals, news cities, skips.

usage: gen_places.py CLDR_DUMP KB_ENTITIES_DIR
Output is deterministic (sorted, stable key order) so regenerating yields reviewable diffs.
"""
import gettext
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ["en", "ar", "vi", "tr"]
LATIN_LANGS = ["en", "vi", "tr"]
ISO_JSON = Path("/usr/share/iso-codes/json")
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel


def slug(name):
    s = name.replace("ı", "i").replace("İ", "I").replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def clean(name, lang):
    """One surface form as a matcher wants it: NFC, no harakat, typographic apostrophes plain."""
    s = unicodedata.normalize("NFC", name).replace("\u2019", "'").strip()
    if lang == "ar":
        s = ARABIC_MARKS.sub("", s)
    return re.sub(r"\s+", " ", s)


def fold(s):
    # The duplicate check only: the matcher folds case and these letter variants itself.
    s = s.replace("İ", "i").replace("ı", "i").casefold()
    for a, b in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي")):
        s = s.replace(a, b)
    return s


def unique(names):
    seen = set()
    return [n for n in names if not (fold(n) in seen or seen.add(fold(n)))]


def split_paren(name):
    """CLDR writes some Arabic exemplars as 'هيبرون (مدينة الخليل)': two names, not one."""
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    return [m.group(1), m.group(2)] if m else [name]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip() and not l.lstrip().startswith("//")]


class Names:
    """Aliases per language, deduplicated by matching key; Latin spellings shared by several
    languages collapse into '*'."""

    def __init__(self):
        self.by_lang = {}

    def add(self, lang, name):
        for part in split_paren(name) if lang == "ar" else [name]:
            part = clean(part, lang)
            # CLDR's "Congo - Kinshasa" and a Wikipedia "(country)" disambiguate for a menu or
            # an encyclopedia; no running text writes them.
            if part and " - " not in part and "(" not in part:
                self.by_lang.setdefault(lang, []).append(part)

    def add_all(self, mapping):
        for lang, names in (mapping or {}).items():
            for n in names if isinstance(names, list) else [names]:
                self.add(lang, n)

    def remove(self, surfaces):
        drop = {fold(clean(s, "ar")) for s in surfaces}
        for lang in self.by_lang:
            self.by_lang[lang] = [n for n in self.by_lang[lang] if fold(n) not in drop]

    def render(self):
        langs_of = {}
        for lang in ["*"] + LATIN_LANGS:
            for n in self.by_lang.get(lang, []):
                langs_of.setdefault(fold(n), set()).add(lang)
        shared = {k for k, ls in langs_of.items() if "*" in ls or len(ls) >= 2}
        out = {}
        order = ["*"] + LANGS + sorted(set(self.by_lang) - set(LANGS) - {"*"})
        for lang in order:
            if lang == "*":
                names = [n for l in ["*"] + LATIN_LANGS for n in self.by_lang.get(l, []) if fold(n) in shared]
            else:
                names = [n for n in self.by_lang.get(lang, []) if fold(n) not in shared]
            kept, seen = [], set()
            for n in names:
                if fold(n) not in seen:
                    seen.add(fold(n))
                    kept.append(n)
            if kept:
                out[lang] = kept
        return out


def entity(eid, name, etype, names, affiliations=(), **extra):
    # A place's English title is how most Latin-script press writes it too (vi, tr); short forms
    # are matched only in context, so they must not also be unconditional aliases.
    names.add("*", name)
    names.remove([n for v in (extra.get("short") or {}).values() for n in v])
    e = {"id": eid, "name": name, "type": etype, "aliases": names.render()}
    for k in ("short", "adjectives"):
        if extra.get(k):
            e[k] = {lang: unique([clean(n, lang) for n in v]) for lang, v in extra[k].items()}
    if affiliations:
        e["affiliations"] = list(affiliations)
    for k in ("iso", "state", "roles"):
        if extra.get(k):
            e[k] = extra[k]
    return e


def add_exemplars(names, short, title, zone, hand_aliases):
    """A zone's exemplar names become aliases, except where the title needed a disambiguator
    ("San Juan, Argentina", "Phoenix, Arizona"): then the bare exemplar names another place or a
    word as often, so it is a short form unless the hand list vouches for it."""
    ambiguous = title != zone["names"].get("en") and ("," in title or "(" in title)
    vouched = {fold(clean(n, "ar")) for v in hand_aliases.values() for n in v}
    for lang, n in zone["names"].items():
        if ambiguous and fold(clean(n, "ar")) not in vouched:
            for part in split_paren(n) if lang == "ar" else [n]:
                short.setdefault("*" if lang != "ar" else "ar", []).append(part)
        else:
            names.add(lang, n)


def iso_translations(domain, entries, fields):
    """{code: {lang: [translated names]}} for the names iso-codes really translates."""
    out = {}
    # Vietnamese is left out: its iso-codes catalogue uses dated transcriptions ("Cốt đi-vouă")
    # that no current press writes; CLDR and the overrides cover Vietnamese.
    for lang in ("ar", "tr"):
        try:
            t = gettext.translation(domain, localedir="/usr/share/locale", languages=[lang])
        except OSError:
            continue
        for e in entries:
            for f in fields:
                src = e.get(f)
                if not src:
                    continue
                tr = t.gettext(src)
                # Untranslated names come back unchanged; names with a comma are catalogue forms
                # ("Iran, Islamic Republic of") nobody writes in running text.
                if tr != src and "," not in tr and "،" not in tr:
                    out.setdefault(e.get("alpha_2") or e.get("code"), {}).setdefault(lang, []).append(tr)
    return out


def main(cldr_path, out_dir):
    cldr = read_jsonl(cldr_path)
    cldr_country = {r["iso"]: r["names"] for r in cldr if r["kind"] == "country"}
    zones = [r for r in cldr if r["kind"] == "zone"]
    iso = json.load(open(ISO_JSON / "iso_3166-1.json", encoding="utf-8"))["3166-1"]
    iso_tr = iso_translations("iso_3166-1", iso, ["name", "official_name", "common_name"])
    overrides = {r["iso"]: r for r in read_jsonl(HERE / "countries.jsonl")}

    countries, country_id = [], {}
    for c in sorted(iso, key=lambda c: c["alpha_2"]):
        code = c["alpha_2"]
        o = overrides.get(code, {})
        if o.get("skip"):
            continue
        name = o.get("name") or cldr_country.get(code, {}).get("en") or c.get("common_name") or c["name"]
        eid = o.get("id") or slug(name)
        country_id[code] = eid
        names = Names()
        names.add("en", name)
        for lang, n in cldr_country.get(code, {}).items():
            names.add(lang, n)
        for f in ("common_name", "name", "official_name"):
            if c.get(f) and "," not in c[f]:
                names.add("en", c[f])
        names.add_all(iso_tr.get(code))
        names.add_all(o.get("aliases"))
        names.remove(o.get("not_aliases", []))
        countries.append(entity(eid, name, o.get("type", "GPE"), names, o.get("affiliations", []),
                                short=o.get("short"), adjectives=o.get("adjectives"), iso=code))

    # Codes ISO has not assigned (Kosovo's user-assigned XK) exist only as overrides.
    known = {c["alpha_2"] for c in iso}
    for code, o in sorted(overrides.items()):
        if code in known or o.get("skip"):
            continue
        eid = o.get("id") or slug(o["name"])
        country_id[code] = eid
        names = Names()
        names.add("en", o["name"])
        names.add_all(o.get("aliases"))
        countries.append(entity(eid, o["name"], o.get("type", "GPE"), names, o.get("affiliations", []),
                                short=o.get("short"), adjectives=o.get("adjectives"), iso=code))

    # Cities: the hand list first (capitals, news cities), then every remaining exemplar city.
    zone_cfg = json.load(open(HERE / "zones.json", encoding="utf-8"))
    skip, rename = set(zone_cfg["skip"]), zone_cfg["rename"]
    country_names = {fold(clean(n, l)) for names in cldr_country.values() for l, n in names.items()}
    by_en = {}
    for z in zones:
        if z["tz"] in skip or z["region"] not in country_id or z["region"] == "AQ":
            continue
        en = z["names"].get("en", "")
        # A zone named like a country (Qatar, Panama, Monaco) is the country, not a city.
        if z["tz"] not in rename and fold(en) in country_names:
            continue
        by_en[(rename.get(z["tz"], en), z["region"])] = z

    cities, used = [], set()
    for h in read_jsonl(HERE / "cities.jsonl"):
        key = (h["name"], h["country"])
        z = by_en.get(key) or next((v for k, v in by_en.items() if v["tz"] == h.get("tz")), None)
        names = Names()
        names.add("en", h["name"])
        short = {k: list(v) for k, v in (h.get("short") or {}).items()}
        if z:
            used.add(z["tz"])
            add_exemplars(names, short, h["name"], z, h.get("aliases") or {})
        names.add_all(h.get("aliases"))
        cities.append(entity(h.get("id") or slug(h["name"]), h["name"], "GPE", names,
                             ([country_id[h["country"]]] if h["country"] else []) + h.get("affiliations", []),
                             short=short))
    for (name, region), z in sorted(by_en.items(), key=lambda kv: kv[1]["tz"]):
        if z["tz"] in used:
            continue
        names = Names()
        names.add("en", name)
        short = {}
        add_exemplars(names, short, name, z, {})
        cities.append(entity(slug(name), name, "GPE", names, [country_id[region]], short=short))

    # First-level regions: English names from ISO 3166-2, the rest from the hand list.
    sub = {s["code"]: s for s in json.load(open(ISO_JSON / "iso_3166-2.json", encoding="utf-8"))["3166-2"]}
    regions = []
    for h in read_jsonl(HERE / "regions.jsonl"):
        names = Names()
        name = h.get("name") or sub[h["code"]]["name"]
        names.add("en", name)
        if h.get("code") in sub:
            names.add("en", sub[h["code"]]["name"])
        names.add_all(h.get("aliases"))
        country = h.get("country") or h["code"].split("-")[0]
        regions.append(entity(h.get("id") or slug(name), name, h.get("type", "GPE"), names,
                              [country_id[country]], short=h.get("short")))

    out = Path(out_dir)
    for fname, rows in (("countries.jsonl", countries), ("cities.jsonl", cities), ("regions.jsonl", regions)):
        with open(out / fname, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
        print(f"{fname}: {len(rows)} entities", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
