#include "catalog/names.h"

#include <algorithm>
#include <array>
#include <cctype>

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

// Splits names joined by ", ", " & ", " and ", " x ", " / " (not an unspaced "/", which is part
// of names such as HUNTR/X). A band named "A & B" splits too, alike under every spelling; the
// catalog matches such a credit whole first (see Resolve).
std::vector<std::string> SplitNames(std::string_view s) {
  std::vector<std::string> out;
  const std::string lower = Lower(s);
  size_t start = 0, i = 0;
  auto push = [&](size_t end) {
    const std::string_view name = Trim(s.substr(start, end - start));
    if (!name.empty()) out.emplace_back(name);
  };
  while (i < s.size()) {
    size_t skip = 0;
    if (s[i] == ',' || s[i] == '&')
      skip = 1;
    else if (s.compare(i, 3, " / ") == 0)
      skip = 3;  // "Zayn / Taylor Swift"
    else if (lower.compare(i, 5, " and ") == 0)
      skip = 5;  // Billboard's "Young Thug And Travis Scott"
    else if (s[i] == ':' && i + 1 < s.size() && s[i + 1] == ' ')
      skip = 2;  // "Group: members"
    else if (lower.compare(i, 3, " x ") == 0 && i > 0 && i + 3 < s.size() &&
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

// The position of a feature marker in a credit (" feat. ", " ft ", " featuring ", " with "),
// and its length; npos when none.
std::pair<size_t, size_t> FindFeature(const std::string& lower) {
  static constexpr std::string_view kMarkers[] = {" featuring ", " feat. ", " feat ",
                                                  " ft. ",       " ft ",    " with ",
                                                  " (feat. ",    " (ft. ",  " (with "};
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
  return out;
}

Credit SplitCredit(std::string_view credit) {
  Credit c;
  const std::string lower = Lower(credit);
  const auto [at, len] = FindFeature(lower);
  if (at == std::string::npos) {
    c.primary = SplitNames(credit);
    return c;
  }
  c.primary = SplitNames(credit.substr(0, at));
  std::string_view rest = credit.substr(at + len);
  if (lower[at + 1] == '(' && !rest.empty() && rest.back() == ')') rest.remove_suffix(1);
  c.featured = SplitNames(rest);
  return c;
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
  const Credit credit = SplitCredit(artist_credit);
  return NormalizeName(ParseTitle(title).base) + "|" +
         (credit.primary.empty() ? std::string() : NormalizeName(credit.primary.front()));
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
