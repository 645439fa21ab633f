#include "catalog/names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <utility>

#include "common/strings.h"

namespace encore {
namespace {

// U+00C0..U+00FF folded to ASCII ("" drops the character: × and ÷).
constexpr std::array<std::string_view, 64> kLatin1 = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F (Latin Extended-A) folded to ASCII, from Unicode's decompositions.
constexpr std::string_view kLatinExtA =
    "a|a|a|a|a|a|c|c|c|c|c|c|c|c|d|d|d|d|e|e|e|e|e|e|e|e|e|e|g|g|g|g|g|g|g|g|h|h|h|h|i|i|i|i|i|i|"
    "i|i|i|i|ij|ij|j|j|k|k|k|l|l|l|l|l|l|l|l|l|l|n|n|n|n|n|n|n|n|n|o|o|o|o|o|o|oe|oe|r|r|r|r|r|r|"
    "s|s|s|s|s|s|s|s|t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|u|u|w|w|y|y|y|z|z|z|z|z|z|s";

std::string_view LatinExtA(unsigned index) {
  size_t start = 0;
  for (unsigned i = 0; i < index; ++i) start = kLatinExtA.find('|', start) + 1;
  const size_t end = kLatinExtA.find('|', start);
  return kLatinExtA.substr(start,
                           end == std::string_view::npos ? std::string_view::npos : end - start);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWithWord(std::string_view lower, std::string_view word) {
  return lower.substr(0, word.size()) == word &&
         (lower.size() == word.size() ||
          !std::isalpha(static_cast<unsigned char>(lower[word.size()])));
}

bool ContainsWord(std::string_view lower, std::string_view word) {
  for (size_t at = lower.find(word); at != std::string_view::npos; at = lower.find(word, at + 1)) {
    const bool left = at == 0 || !std::isalpha(static_cast<unsigned char>(lower[at - 1]));
    const size_t end = at + word.size();
    const bool right = end >= lower.size() || !std::isalpha(static_cast<unsigned char>(lower[end]));
    if (left && right) return true;
  }
  return false;
}

// Words that continue the name before a comma: "Grover Washington, Jr.", "Lipps, Inc.",
// "Traffic, Etc.", "John Wesley Ryles, I".
bool IsNameSuffix(std::string_view lower_word) {
  static constexpr std::string_view kSuffixes[] = {"jr", "jr.", "sr",  "sr.",  "inc", "inc.",
                                                   "ltd", "ltd.", "etc", "etc.", "i",  "ii",
                                                   "iii", "iv"};
  return std::find(std::begin(kSuffixes), std::end(kSuffixes), lower_word) != std::end(kSuffixes);
}

// Whether the comma at `i` is part of a name: between digits ("10,000 Maniacs") or before a
// suffix word that ends the name ("Ray Parker,Jr. & Helen Terry").
bool CommaInName(std::string_view s, const std::string& lower, size_t i) {
  if (i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
      std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
    return true;
  }
  size_t b = i + 1;
  while (b < s.size() && s[b] == ' ') ++b;
  size_t e = b;
  while (e < s.size() && std::string_view(" ,&/()").find(s[e]) == std::string_view::npos) ++e;
  if (e == b || !IsNameSuffix(std::string_view(lower).substr(b, e - b))) return false;
  // The suffix ends the name: the credit or the name ends after it ("Jr Smith" is a name).
  size_t p = e;
  while (p < s.size() && s[p] == ' ') ++p;
  return p == s.size() || std::string_view(",&/()").find(s[p]) != std::string_view::npos ||
         lower.compare(p, 4, "and ") == 0 || lower.compare(p, 2, "x ") == 0;
}

// Whether the unspaced "/" at `i` is part of a name: next to a one-character part ("HUNTR/X",
// "K/DA", "M/A/R/R/S") or between two short ones ("AC/DC", "Au/Ra", "20/20"). `start` is where
// the current name began. Other unspaced "/" join artists ("CALVIN HARRIS/ELLIE GOULDING",
// "NF/MGK").
bool SlashInName(std::string_view s, size_t start, size_t i) {
  const std::string_view left = Trim(s.substr(start, i - start));
  size_t e = i + 1;
  while (e < s.size() && std::string_view("/,&:(").find(s[e]) == std::string_view::npos) ++e;
  const std::string_view right = Trim(s.substr(i + 1, e - i - 1));
  return left.size() == 1 || right.size() == 1 || (left.size() <= 2 && right.size() <= 2);
}

// The parts of a credit between separators: ", ", " & ", " and ", " x ", " / ", an unspaced "/",
// "Group: " — none inside parentheses ("Silk Sonic (Bruno Mars & Anderson .Paak)"), and not the
// commas and slashes that are part of a name (CommaInName, SlashInName). The X of "Lil Nas X & B"
// is a name, not a separator. Each part as [begin, end) of `s`, trimmed, empty ones dropped.
std::vector<std::pair<size_t, size_t>> CreditParts(std::string_view s) {
  std::vector<std::pair<size_t, size_t>> out;
  const std::string lower = Lower(s);
  size_t start = 0, i = 0;
  int depth = 0;
  auto push = [&](size_t end) {
    size_t b = start, e = end;
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    if (b < e) out.emplace_back(b, e);
  };
  while (i < s.size()) {
    size_t skip = 0;
    if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')') {
      depth = std::max(0, depth - 1);
    } else if (depth > 0) {
      // inside parentheses: one name
    } else if (s[i] == ',') {
      if (!CommaInName(s, lower, i)) skip = 1;
    } else if (s[i] == '&') {
      skip = 1;
    } else if (s.compare(i, 3, " / ") == 0) {
      skip = 3;  // "Zayn / Taylor Swift"
    } else if (s[i] == '/') {
      if (!SlashInName(s, start, i)) skip = 1;  // UK credits: "CALVIN HARRIS/ELLIE GOULDING"
    } else if (lower.compare(i, 5, " and ") == 0) {
      skip = 5;  // Billboard's "Young Thug And Travis Scott"
    } else if (s[i] == ':' && i + 1 < s.size() && s[i + 1] == ' ') {
      skip = 2;  // "Group: members"
    } else if (lower.compare(i, 3, " x ") == 0 && i > 0 && i + 3 < s.size() &&
               std::isalnum(static_cast<unsigned char>(s[i - 1])) &&
               std::isalnum(static_cast<unsigned char>(s[i + 3]))) {
      skip = 3;  // "A x B" joins two names; the X of "Lil Nas X & B" does not
    }
    if (skip) {
      push(i);
      i += skip;
      start = i;
    } else {
      ++i;
    }
  }
  push(s.size());
  return out;
}

// Well-known artist names that contain a separator, each printed whole as a credit of its own
// on the Billboard Hot 100 or Billboard 200 (../shared/data; src/catalog/chart_names_test.cc
// checks that each still is). Names the rules of CreditParts keep whole are not listed.
constexpr std::string_view kKnownCreditNames[] = {
    "Anderson, Bruford, Wakeman, Howe",
    "Artists Of Then, Now & Forever",
    "Ashton, Gardner & Dyke",
    "Benedictines Of Mary, Queen Of Apostles",
    "Black Country, New Road",
    "Blood, Sweat & Tears",
    "Chunk! No, Captain Chunk!",
    "Cotton, Lloyd & Christian",
    "Crosby, Stills & Nash",
    "Crosby, Stills, Nash & Young",
    "Dancer, Prancer And Nervous",
    "Dave Dee, Dozy, Beaky, Mick And Tich",
    "Dino, Desi & Billy",
    "Drop Dead, Gorgeous",
    "Earth, Wind & Fire",
    "Ebn/Ozn",
    "Ecstasy, Passion & Pain",
    "Emerson, Lake & Palmer",
    "Emerson, Lake & Powell",
    "Faith, Hope And Charity",
    "Hagar, Schon, Aaronson, Shrieve",
    "Hamilton, Joe Frank & Dennison",
    "Hamilton, Joe Frank & Reynolds",
    "Hodges, James And Smith",
    "Invent, Animate",
    "Isley, Jasper, Isley",
    "Joiner, Arkansas Junior High School Band",
    "JP, Chrissie & The Fairground Boys",
    "Love/Hate",
    "McGuinn, Clark & Hillman",
    "Oh, Sleeper",
    "Peter, Paul & Mary",
    "Phantom, Rocker & Slick",
    "Phillips, Craig & Dean",
    "Ray, Goodman & Brown",
    "Souther, Hillman, Furay Band",
    "The Good, The Bad & The Queen",
    "The Souther, Hillman, Furay Band",
    "Tyler, The Creator",
    "West, Bruce & Laing",
    "Whenever, If Ever",
    "Woe, Is Me",
};

const std::vector<std::string>& KnownCreditKeys() {
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys;
    for (std::string_view name : kKnownCreditNames) keys.push_back(NormalizeName(name));
    std::sort(keys.begin(), keys.end());
    return keys;
  }();
  return kKeys;
}

bool IsKnownCreditKey(const std::string& key) {
  const auto& keys = KnownCreditKeys();
  return std::binary_search(keys.begin(), keys.end(), key);
}

// The names of a credit without feature markers: its parts, and at each part the longest run of
// parts that is one known name (spelled with or without its "and": "Faith, Hope & Charity").
std::vector<std::string> SplitNames(std::string_view s, const KnownName& known = nullptr) {
  const auto parts = CreditParts(s);
  std::vector<std::string> keys;
  for (const auto& [b, e] : parts) keys.push_back(NormalizeName(s.substr(b, e - b)));
  auto is_known = [&](const std::string& key) {
    return IsKnownCreditKey(key) || (known && known(key));
  };
  std::vector<std::string> out;
  // A known name spans a few parts ("Crosby, Stills, Nash & Young": 4): runs are tried up to
  // kMaxParts, so that a credit of thousands of commas costs linear time, not cubic.
  constexpr size_t kMaxParts = 8;
  for (size_t i = 0; i < parts.size();) {
    size_t last = i;
    const size_t end = std::min(parts.size(), i + kMaxParts);
    std::string joined = keys[i];
    std::vector<std::string> runs(end);  // joined keys of parts i..j
    for (size_t j = i + 1; j < end; ++j) runs[j] = (joined += keys[j]);
    for (size_t j = end - 1; j > i; --j) {
      const std::string whole =
          NormalizeName(s.substr(parts[i].first, parts[j].second - parts[i].first));
      if (is_known(whole) || is_known(runs[j])) {
        last = j;
        break;
      }
    }
    out.emplace_back(s.substr(parts[i].first, parts[last].second - parts[i].first));
    i = last + 1;
  }
  return out;
}

// The position of a feature marker in a credit (" feat. ", " ft ", " featuring ", " with "),
// and its length; npos when none.
std::pair<size_t, size_t> FindFeature(const std::string& lower) {
  static constexpr std::string_view kMarkers[] = {
      " featuring ", " feat. ", " feat ",       " ft. ",         " ft ",
      " with ",      " (feat. ", " (ft. ",        " (with ",       " (featuring ",
      " (duet with "};
  std::pair<size_t, size_t> best{std::string::npos, 0};
  for (std::string_view m : kMarkers) {
    const size_t at = lower.find(m);
    if (at < best.first) best = {at, m.size()};
  }
  return best;
}

// Rank of a version kind: the most specific of several parts wins.
int Specificity(VersionKind k) {
  switch (k) {
    case VersionKind::kRemix:
      return 12;
    case VersionKind::kSpedUp:
      return 11;
    case VersionKind::kSlowed:
      return 10;
    case VersionKind::kInstrumental:
      return 9;
    case VersionKind::kAcoustic:
      return 8;
    case VersionKind::kLive:
      return 7;
    case VersionKind::kBand:
      return 6;
    case VersionKind::kExtended:
      return 5;
    case VersionKind::kAlternate:
      return 4;
    case VersionKind::kNamed:
      return 3;
    case VersionKind::kExplicit:
      return 2;
    case VersionKind::kClean:
      return 1;
    case VersionKind::kOriginal:
      return 0;
  }
  return 0;
}

// Classifies a parenthesised part; kOriginal when it names no version.
VersionKind Classify(const std::string& lower) {
  if (ContainsWord(lower, "remix") || ContainsWord(lower, "mix") || ContainsWord(lower, "rmx")) {
    return VersionKind::kRemix;
  }
  if (lower.find("sped up") != std::string::npos) return VersionKind::kSpedUp;
  if (ContainsWord(lower, "slowed")) return VersionKind::kSlowed;
  if (ContainsWord(lower, "instrumental") || ContainsWord(lower, "inst"))
    return VersionKind::kInstrumental;
  if (ContainsWord(lower, "acoustic")) return VersionKind::kAcoustic;
  if (ContainsWord(lower, "live")) return VersionKind::kLive;
  if (ContainsWord(lower, "band")) return VersionKind::kBand;
  if (ContainsWord(lower, "extended")) return VersionKind::kExtended;
  if (ContainsWord(lower, "alternate")) return VersionKind::kAlternate;
  if (ContainsWord(lower, "explicit")) return VersionKind::kExplicit;
  if (ContainsWord(lower, "clean") || lower.find("radio edit") != std::string::npos)
    return VersionKind::kClean;
  if (ContainsWord(lower, "ver") || ContainsWord(lower, "version") || ContainsWord(lower, "edit") ||
      ContainsWord(lower, "remaster") || ContainsWord(lower, "remastered")) {
    return VersionKind::kNamed;
  }
  return VersionKind::kOriginal;
}

}  // namespace

std::string NormalizeName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
      ++i;
      continue;
    }
    const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (i + len > name.size()) break;  // a truncated sequence at the end
    if (len == 2) {
      const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3Fu);
      if (cp >= 0xC0 && cp <= 0xFF) {
        out += kLatin1[cp - 0xC0];
      } else if (cp >= 0x100 && cp <= 0x17F) {
        out += LatinExtA(cp - 0x100);
      } else if (cp >= 0x80 && cp < 0xC0) {
        // Latin-1 punctuation and symbols, no-break space: dropped.
      } else {
        out.append(name.substr(i, len));
      }
    } else if (len == 3 && c == 0xE2 && static_cast<unsigned char>(name[i + 1]) <= 0x81) {
      // U+2000..U+207F: general punctuation (curly quotes, dashes, ellipsis, spaces): dropped.
    } else if (len == 3 && c == 0xEF && static_cast<unsigned char>(name[i + 1]) == 0xBB &&
               static_cast<unsigned char>(name[i + 2]) == 0xBF) {
      // A byte-order mark: dropped.
    } else {
      out.append(name.substr(i, len));
    }
    i += len;
  }
  if (out.empty()) {
    // A name of punctuation alone (the band "!!!", the title "?", "‼") is that punctuation, not
    // no name: its bytes without spaces and control characters.
    for (const char ch : name) {
      const auto u = static_cast<unsigned char>(ch);
      if (u > ' ' && u != 0x7f) out.push_back(ch);
    }
  }
  return out;
}

Credit SplitCredit(std::string_view credit) { return SplitCredit(credit, nullptr); }

Credit SplitCredit(std::string_view credit, const KnownName& known) {
  Credit c;
  const std::string lower = Lower(credit);
  const auto [at, len] = FindFeature(lower);
  if (at == std::string::npos) {
    c.primary = SplitNames(credit, known);
    return c;
  }
  c.primary = SplitNames(credit.substr(0, at), known);
  std::string_view rest = credit.substr(at + len);
  if (lower[at + 1] == '(' && !rest.empty() && rest.back() == ')') rest.remove_suffix(1);
  c.featured = SplitNames(rest, known);
  return c;
}

const std::vector<std::string>& KnownCreditNames() { return KnownCreditKeys(); }

std::pair<std::string_view, std::string_view> NameAndParenthesized(std::string_view name) {
  name = Trim(name);
  if (name.size() < 4 || name.back() != ')') return {};
  int depth = 0;
  size_t open = std::string_view::npos;
  for (size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) {
      open = i;
      break;
    }
  }
  if (open == std::string_view::npos || open == 0 || name[open - 1] != ' ') return {};
  const std::string_view outer = Trim(name.substr(0, open));
  const std::string_view inner = Trim(name.substr(open + 1, name.size() - open - 2));
  if (outer.empty() || inner.empty()) return {};
  return {outer, inner};
}

std::string LeadKey(std::string_view credit, const KnownName& known) {
  const Credit c = SplitCredit(credit, known);
  if (c.primary.empty()) return {};
  const std::string_view lead = c.primary.front();
  const auto [outer, inner] = NameAndParenthesized(lead);
  return NormalizeName(outer.empty() ? lead : outer);
}

std::string_view VersionKindName(VersionKind k) {
  switch (k) {
    case VersionKind::kOriginal:
      return "original";
    case VersionKind::kExplicit:
      return "explicit";
    case VersionKind::kClean:
      return "clean";
    case VersionKind::kInstrumental:
      return "instrumental";
    case VersionKind::kRemix:
      return "remix";
    case VersionKind::kSpedUp:
      return "sped_up";
    case VersionKind::kSlowed:
      return "slowed";
    case VersionKind::kAcoustic:
      return "acoustic";
    case VersionKind::kLive:
      return "live";
    case VersionKind::kBand:
      return "band";
    case VersionKind::kExtended:
      return "extended";
    case VersionKind::kAlternate:
      return "alternate";
    case VersionKind::kNamed:
      return "named";
  }
  return "original";
}

std::string SongKey(std::string_view artist_credit, std::string_view title) {
  return NormalizeName(ParseTitle(title).base) + "|" + LeadKey(artist_credit);
}

ParsedTitle ParseTitle(std::string_view title) {
  ParsedTitle t;
  std::string base;
  std::vector<std::string> parts;
  // Pull out every (...) and [...] group; an unclosed group runs to the end.
  for (size_t i = 0; i < title.size();) {
    const char open = title[i];
    if (open == '(' || open == '[') {
      const char close = open == '(' ? ')' : ']';
      int depth = 0;
      size_t j = i;
      for (; j < title.size(); ++j) {
        if (title[j] == open) ++depth;
        if (title[j] == close && --depth == 0) break;
      }
      parts.emplace_back(Trim(title.substr(i + 1, (j < title.size() ? j : title.size()) - i - 1)));
      i = j < title.size() ? j + 1 : title.size();
      continue;
    }
    base.push_back(title[i++]);
  }
  // "Song - Remix Name", "Song - From \"Film\"", "Song - Bonus Track": services print versions and
  // subtitles after a dash; the suffix is a part too (a version when it names one).
  // "Cold Sweat - Part 1" is a title of its own (a record's side), so "Part"/"Pt" stays.
  if (const size_t dash = base.find(" - "); dash != std::string::npos && dash > 0) {
    const std::string suffix(Trim(std::string_view(base).substr(dash + 3)));
    const std::string lower = Lower(suffix);
    if (!StartsWithWord(lower, "part") && !StartsWithWord(lower, "pt") &&
        !StartsWithWord(lower, "pt.")) {
      parts.push_back(suffix);
      base.resize(dash);
    }
  }
  // "LOYALTY. FEAT. RIHANNA.": a feature written into the title without brackets.
  {
    const std::string lower = Lower(base);
    for (std::string_view marker : {" feat. ", " ft. ", " featuring "}) {
      if (const size_t at = lower.find(marker); at != std::string::npos && at > 0) {
        parts.push_back("feat. " + base.substr(at + marker.size()));
        base.resize(at);
        break;
      }
    }
  }
  t.base = std::string(Trim(base));
  for (const std::string& part : parts) {
    const std::string lower = Lower(part);
    if (StartsWithWord(lower, "feat.") || StartsWithWord(lower, "feat") ||
        StartsWithWord(lower, "ft.") || StartsWithWord(lower, "ft") ||
        StartsWithWord(lower, "featuring") || StartsWithWord(lower, "with")) {
      const size_t space = part.find(' ');
      if (space != std::string::npos) {
        for (auto& name : SplitNames(std::string_view(part).substr(space + 1)))
          t.featured.push_back(name);
      }
      continue;
    }
    if (StartsWithWord(lower, "prod.") || StartsWithWord(lower, "prod"))
      continue;  // a producer credit
    const VersionKind kind = Classify(lower);
    if (kind == VersionKind::kOriginal) continue;  // a subtitle ("Music from ..."), not a version
    if (Specificity(kind) > Specificity(t.kind)) t.kind = kind;
    t.label += (t.label.empty() ? "" : " / ") + part;
  }
  return t;
}

}  // namespace encore

namespace encore {
namespace {

// Whether a title's suffix names an edition of the release rather than another release: every
// word an edition word or a number ("25th", "2-CD", "2011"), one of them saying so.
bool IsEdition(std::string_view part) {
  static constexpr std::string_view kMarkers[] = {
      "ep",        "single",  "deluxe",    "edition", "expanded", "remastered",
      "remaster",  "reissue", "repackage", "bonus",   "explicit", "clean"};
  static constexpr std::string_view kWords[] = {
      "version",  "special",     "limited",    "track",     "tracks",   "international",
      "complete", "super",       "anniversary", "collectors", "collector", "platinum",
      "tour",     "cd",          "digital",    "standard",  "legendary", "mini",
      "album",    "the",         "and"};
  bool marked = false;
  std::string word;
  auto take = [&]() {
    if (word.empty()) return true;
    const std::string w = std::exchange(word, {});
    auto in = [&](const auto& list) {
      return std::find(std::begin(list), std::end(list), w) != std::end(list);
    };
    if (in(kMarkers)) {
      marked = true;
      return true;
    }
    if (in(kWords)) return true;
    // A number or an ordinal: "2011", "25th", "2nd", the 2 of "2-CD".
    size_t d = 0;
    while (d < w.size() && std::isdigit(static_cast<unsigned char>(w[d]))) ++d;
    const std::string_view tail = std::string_view(w).substr(d);
    return d > 0 && (tail.empty() || tail == "st" || tail == "nd" || tail == "rd" || tail == "th");
  };
  for (char c : part) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else if (c == '\'' || c == '.') {
      // "Collector's", "Vol.": one word
    } else if (!take()) {
      return false;
    }
  }
  return take() && marked;
}

}  // namespace

ParsedAlbumTitle ParseAlbumTitle(std::string_view title) {
  ParsedAlbumTitle out;
  std::string_view rest = Trim(title);
  std::vector<std::string_view> editions;
  while (!rest.empty()) {
    std::string_view part, before;
    const char last = rest.back();
    if (last == ')' || last == ']') {
      const char open = last == ')' ? '(' : '[';
      int depth = 0;
      size_t at = std::string_view::npos;
      for (size_t i = rest.size(); i-- > 0;) {
        if (rest[i] == last) ++depth;
        if (rest[i] == open && --depth == 0) {
          at = i;
          break;
        }
      }
      if (at == std::string_view::npos || at == 0) break;
      part = rest.substr(at + 1, rest.size() - at - 2);
      before = Trim(rest.substr(0, at));
    } else if (const size_t dash = rest.rfind(" - "); dash != std::string_view::npos && dash > 0) {
      part = rest.substr(dash + 3);
      before = Trim(rest.substr(0, dash));
    } else {
      break;
    }
    if (before.empty() || !IsEdition(part)) break;
    editions.push_back(Trim(part));
    rest = before;
  }
  out.base = std::string(rest);
  for (auto it = editions.rbegin(); it != editions.rend(); ++it)
    out.edition += (out.edition.empty() ? "" : " / ") + std::string(*it);
  return out;
}

}  // namespace encore
