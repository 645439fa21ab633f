#include "charts/chart_layouts.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

#include "common/byte_source.h"
#include "encore/keys.h"

namespace encore {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A region as Spotify's file names write it: "global" or an assigned country code.
bool IsRegion(std::string_view r) {
  if (r == "global") return true;
  if (r.size() != 2) return false;
  const std::string upper = {static_cast<char>(std::toupper(static_cast<unsigned char>(r[0]))),
                             static_cast<char>(std::toupper(static_cast<unsigned char>(r[1])))};
  return ParseCountry(upper, false).has_value() && upper != "ZZ";
}

// Billboard's chart slugs (billboard.com/charts/<slug>), with the size of those whose size is
// fixed. Longer slugs that contain shorter ones ("bubbling-under-hot-100") are matched first.
struct Slug {
  std::string_view slug;
  int size;
};
constexpr Slug kSlugs[] = {
    {"hot-100", 100},
    {"billboard-200", 200},
    {"billboard-global-200", 200},
    {"billboard-global-excl-us", 200},
    {"artist-100", 100},
    {"bubbling-under-hot-100", 25},
    {"bubbling-under-billboard-200", 25},
    {"japan-hot-100", 100},
    {"canadian-hot-100", 100},
    {"billboard-korea-100", 100},
    {"streaming-songs", 50},
    {"radio-songs", 50},
    {"digital-song-sales", 50},
    {"hot-country-songs", 50},
    {"country-airplay", 60},
    {"hot-r-and-b-hip-hop-songs", 50},
    {"hot-rap-songs", 25},
    {"hot-latin-songs", 50},
    {"hot-rock-alternative-songs", 50},
    {"hot-rock-songs", 25},
    {"hot-alternative-songs", 25},
    {"hot-dance-electronic-songs", 50},
    {"hot-christian-songs", 50},
    {"hot-gospel-songs", 25},
    {"pop-songs", 40},
    {"adult-pop-songs", 40},
    {"adult-contemporary", 30},
    {"top-album-sales", 100},
    {"top-streaming-albums", 200},
    {"independent-albums", 50},
    {"soundtracks", 25},
    {"vinyl-albums", 25},
    {"latin-albums", 50},
    {"country-albums", 50},
    {"r-b-hip-hop-albums", 100},
    {"rap-albums", 25},
    {"rock-albums", 50},
    {"world-albums", 15},
    {"dance-electronic-albums", 25},
    {"hot-trending-songs", 20},
    {"emerging-artists", 50},
};

// Spellings of the two big charts in folder and file names ("hot100_all_weeks", "bb200").
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"hot100", "hot-100"},
    {"billboard200", "billboard-200"},
    {"bb200", "billboard-200"},
    {"bb-200", "billboard-200"},
    {"b200", "billboard-200"},
    {"global200", "billboard-global-200"},
    {"global-200", "billboard-global-200"},
};

// Whether `word` occurs in `text` between separators ('-' or the ends).
bool HasWord(const std::string& text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const size_t end = at + word.size();
    if ((at == 0 || text[at - 1] == '-') && (end == text.size() || text[end] == '-')) return true;
  }
  return false;
}

// The slug a path component names, the longest that occurs in it as whole words.
std::optional<std::string> SlugOf(std::string_view component) {
  std::string text = Lower(component);
  for (char& c : text)
    if (c == '_' || c == ' ' || c == '.') c = '-';
  std::string best;
  for (const Slug& s : kSlugs)
    if (s.slug.size() > best.size() && HasWord(text, s.slug)) best = s.slug;
  for (const auto& [alias, slug] : kAliases)
    if (slug.size() > best.size() && HasWord(text, alias)) best = slug;
  // "the-hot-100" and "billboard-hot-100" contain "hot-100"; "billboard-global-200" wins over
  // "global-200" by length.
  if (best.empty()) return std::nullopt;
  return best;
}

}  // namespace

SpotifyFileName ParseSpotifyFileName(const std::string& path) {
  SpotifyFileName out;
  const std::string stem =
      Lower(std::filesystem::path(StripCompressionExtension(path)).stem().string());
  std::string_view rest = stem;
  if (rest.rfind("regional-", 0) == 0) {
    rest.remove_prefix(9);
  } else if (rest.rfind("viral-", 0) == 0) {
    rest.remove_prefix(6);
    out.viral = true;
  } else {
    rest = {};
  }
  const size_t dash = rest.find('-');
  if (dash != std::string_view::npos && IsRegion(rest.substr(0, dash))) {
    out.region = std::string(rest.substr(0, dash));
    rest.remove_prefix(dash + 1);
    for (std::string_view period : {"daily", "weekly"}) {
      if (rest.rfind(period, 0) == 0 && (rest.size() == period.size() || rest[period.size()] == '-')) {
        out.period = std::string(period);
        rest.remove_prefix(std::min(rest.size(), period.size() + 1));
      }
    }
  }
  // The date: the last one in the name; "A--B" is the old site's period, from A up to the day
  // before B (its weekly charts run Friday to Thursday: "2016-12-23--2016-12-30" is the chart
  // the current site dates 2016-12-29).
  const std::string_view name = stem;
  if (name.size() >= 10) {
    if (const auto end = ParseDate(name.substr(name.size() - 10))) {
      const bool range = name.size() >= 22 && name.substr(name.size() - 12, 2) == "--" &&
                         ParseDate(name.substr(name.size() - 22, 10));
      out.date = range ? *end - 1 : *end;
    }
  }
  return out;
}

std::string SpotifyChartName(bool viral, const std::string& region, const std::string& period) {
  std::string name = viral ? "spotify-viral-" : "spotify-";
  if (!region.empty()) name += region + "-";
  return name + period;
}

std::string SpotifyRegionOfName(std::string_view name) {
  const auto code = CountryOfName(name);
  if (!code || *code == ParseCountry("ZZ", false)) return "";
  if (*code == kGlobalCountry) return "global";
  return Lower(CountryName(*code));
}

NamedChart BillboardChartOfSlug(std::string_view slug) {
  NamedChart out;
  const std::string s = Lower(slug);
  out.chart = s.rfind("billboard-", 0) == 0 ? s : "billboard-" + s;
  for (const Slug& k : kSlugs)
    if (k.slug == s || "billboard-" + std::string(k.slug) == s) out.size = k.size;
  return out;
}

std::optional<NamedChart> BillboardChartOfPath(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(StripCompressionExtension(path));
  std::vector<std::string> parts = {p.stem().string()};
  for (fs::path dir = p.parent_path(); !dir.empty() && dir != dir.parent_path();
       dir = dir.parent_path()) {
    parts.push_back(dir.filename().string());
  }
  for (const std::string& part : parts) {
    if (const auto slug = SlugOf(part)) {
      NamedChart c = BillboardChartOfSlug(*slug);
      c.where = part;
      return c;
    }
  }
  return std::nullopt;
}

Result<ChartChoice> ChooseBillboardChart(const std::string& path, const std::string& option,
                                         const std::string& named_inside,
                                         const std::string& layout_default,
                                         int first_max_position) {
  if (!option.empty()) return ChartChoice{option, "--chart"};
  if (!named_inside.empty()) {
    const NamedChart c = BillboardChartOfSlug(named_inside);
    return ChartChoice{c.chart, "the file names it"};
  }
  const std::string top = std::to_string(first_max_position);
  auto check = [&](const std::string& chart, int size, const std::string& from) -> Result<ChartChoice> {
    if (size > 0 && first_max_position > size) {
      return Status::DataError(from + " " + chart + " (" + std::to_string(size) +
                               " positions), but its first edition has positions up to " + top +
                               ": give the chart with --chart");
    }
    return ChartChoice{chart, from};
  };
  if (const auto named = BillboardChartOfPath(path))
    return check(named->chart, named->size, "the path ('" + named->where + "') names");
  if (!layout_default.empty())
    return check(layout_default, BillboardChartOfSlug(layout_default).size,
                 "the layout is that of");
  if (first_max_position == 100) return ChartChoice{"billboard-hot-100", "100 positions"};
  if (first_max_position == 200) return ChartChoice{"billboard-200", "200 positions"};
  return Status::DataError(
      "this layout is shared by the Billboard 200 and the Hot 100, nothing in the path names "
      "either, and its first edition (positions up to " +
      top + ") is neither 100 nor 200 long: give the chart with --chart");
}

}  // namespace encore
