// The readers of personal listening histories: one entry (a JSON object or a CSV row) of each
// service's export to HistoryFields. Each format, its fields and what is skipped: doc/ingest.md.
#include <cctype>

#include "common/strings.h"
#include "common/time_zone.h"
#include "ingest/chunk_parser.h"
#include "ingest/json_parsers.h"
#include "ingest/history_time.h"
#include "ingest/json_splitter.h"

namespace encore {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// A field of a DOM object: its string, "" when absent or null; *bad when it is another type.
std::string_view StringAt(object o, std::string_view key, bool* bad) {
  element e;
  if (o.at_key(key).get(e) || e.is_null()) return {};
  std::string_view s;
  if (e.get_string().get(s)) {
    *bad = true;
    return {};
  }
  return s;
}

bool Present(object o, std::string_view key) {
  element e;
  return !o.at_key(key).get(e) && !e.is_null();
}

// An integer that may be written as a number or as a string of digits (Last.fm's "uts").
std::optional<int64_t> IntegerAt(object o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e)) return std::nullopt;
  int64_t i;
  if (!e.get_int64().get(i)) return i;
  double d;
  if (!e.get_double().get(d) && d >= 0 && d < 1e13) return static_cast<int64_t>(d);
  std::string_view s;
  if (!e.get_string().get(s)) return ParseInt64(s);
  return std::nullopt;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

void ChunkParser::ParseJsonEntry(std::string_view entry, uint64_t line) {
  switch (rules_.format) {
    case InputFormat::kSpotifyExtended:
      return ParseSpotifyExtended(entry, line);
    case InputFormat::kSpotifyAccount:
      return ParseSpotifyAccount(entry, line);
    case InputFormat::kYouTubeTakeout:
      return ParseYouTube(entry, line);
    case InputFormat::kListenBrainz:
      return ParseListenBrainz(entry, line);
    case InputFormat::kLastfmJson:
      return ParseLastfm(entry, line);
    default:
      return ParsePlaysObject(entry, line);
  }
}

// Spotify "Extended streaming history" (Streaming_History_Audio_*.json, endsong_*.json): `ts` is
// when the stream ended (UTC), so a play starts at ts - ms_played. The hot path of big histories:
// one On-Demand pass over the object's fields.
void ChunkParser::ParseSpotifyExtended(std::string_view raw, uint64_t line) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (!Json().OnDemand(raw, &doc, &obj)) return Reject(RejectReason::kBadJson, line, raw);
  std::string_view ts, uri, track_name, artist, country, user;
  bool has_ms = false, bad_ms = false, bad = false, bad_type = false, podcast = false,
       audiobook = false, uri_not_string = false, nested = false;
  int64_t ms = -1;
  KeySet keys;
  for (auto field : obj) {
    std::string_view key;
    simdjson::ondemand::value v;
    if (field.unescaped_key().get(key) || field.value().get(v) || !keys.Add(key)) {
      bad = true;
      break;
    }
    simdjson::ondemand::json_type t;
    if (v.type().get(t)) {
      bad = true;
      break;
    }
    const bool null = t == simdjson::ondemand::json_type::null;
    // Every value is read whole, also those of fields not used: an entry that is not JSON (`tru`,
    // `01`, a bad escape) is bad_json, whatever field holds it.
    bool is_null = false;
    if (null && (v.is_null().get(is_null) || !is_null)) {
      bad = true;
      break;
    }
    if (key == "ms_played") {
      has_ms = !null;
      if (!null && (t != simdjson::ondemand::json_type::number || v.get_int64().get(ms) || ms < 0))
        bad_ms = true;
      continue;
    }
    std::string_view* target = nullptr;
    if (key == "ts") {
      target = &ts;
    } else if (key == "spotify_track_uri") {
      target = &uri;
      if (!null && t != simdjson::ondemand::json_type::string) uri_not_string = true;
    } else if (key == "master_metadata_track_name") {
      target = &track_name;
    } else if (key == "master_metadata_album_artist_name") {
      target = &artist;
    } else if (key == "conn_country") {
      target = &country;
    } else if (key == "username") {
      target = &user;
    } else {
      // An episode or an audiobook is named by a string with something in it: an empty one (an
      // edited export) names nothing, and any other value is not Spotify's.
      const bool is_podcast = StartsWith(key, "episode_") || key == "spotify_episode_uri";
      const bool is_audiobook = StartsWith(key, "audiobook_");
      if ((is_podcast || is_audiobook) && !null && t != simdjson::ondemand::json_type::string) {
        bad_type = true;
      }
      // platform, ip_addr, reason_start, shuffle, offline_timestamp, ...: only checked.
      std::string_view sv;
      double d;
      bool b;
      switch (t) {
        case simdjson::ondemand::json_type::string:
          bad = bad || v.get_string().get(sv);
          if (!bad && !Trim(sv).empty()) {
            podcast |= is_podcast;
            audiobook |= is_audiobook;
          }
          break;
        case simdjson::ondemand::json_type::number:
          bad = bad || v.get_double().get(d);
          break;
        case simdjson::ondemand::json_type::boolean:
          bad = bad || v.get_bool().get(b);
          break;
        case simdjson::ondemand::json_type::null:
          break;
        default:
          nested = true;  // an array or object: checked whole below
          break;
      }
      if (bad) break;
      continue;
    }
    if (null) continue;
    std::string_view s;
    if (v.get_string().get(s)) {
      bad_type = true;
      continue;
    }
    *target = s;
  }
  const char* trailing = nullptr;
  simdjson::dom::object whole;
  if (bad || !doc.current_location().get(trailing) || (nested && !Json().Dom(raw, &whole))) {
    Reject(RejectReason::kBadJson, line, raw);
    return;
  }
  // What the entry is: an audiobook chapter, a podcast episode (audio or video), or music.
  if (audiobook) return Skip(SkipKind::kAudiobook);
  if (podcast && uri.empty() && track_name.empty()) return Skip(SkipKind::kPodcast);
  // The first failing check names the reason, in doc/ingest.md's order.
  if (bad_type) return Reject(RejectReason::kBadJson, line, raw);
  if (ts.empty() || !has_ms || (uri.empty() && track_name.empty() && !uri_not_string)) {
    return Reject(RejectReason::kMissingField, line, raw);
  }
  const std::optional<int64_t> end = ParseTimestampMillis(ts);
  if (!end) return Reject(RejectReason::kBadTimestamp, line, raw);
  if (uri_not_string) return Reject(RejectReason::kBadTrack, line, raw);
  if (bad_ms) return Reject(RejectReason::kBadMsPlayed, line, raw);
  HistoryFields f;
  f.start_ms = *end - ms;
  f.ms_played = ms;
  f.id = uri;
  f.artist = artist;
  f.title = track_name;
  f.country = country;
  f.user = user;
  AddHistoryPlay(f, line, raw);
}

// Spotify "Account data" (StreamingHistory_music_N.json, StreamingHistoryN.json): `endTime` is the
// account's local wall-clock time to the minute (rules.zone), so a play starts at endTime -
// msPlayed. Podcast files (StreamingHistory_podcast_N.json) name a podcast and an episode.
void ChunkParser::ParseSpotifyAccount(std::string_view raw, uint64_t line) {
  object o;
  if (!Json().Dom(raw, &o)) return Reject(RejectReason::kBadJson, line, raw);
  bool bad = false;
  // A podcast is named by a string with something in it (an empty one names nothing).
  const bool podcast = !Trim(StringAt(o, "podcastName", &bad)).empty() ||
                       !Trim(StringAt(o, "episodeName", &bad)).empty();
  if (bad) return Reject(RejectReason::kBadJson, line, raw);
  if (podcast) return Skip(SkipKind::kPodcast);
  const std::string_view end_time = StringAt(o, "endTime", &bad);
  const std::string_view artist = StringAt(o, "artistName", &bad);
  const std::string_view title = StringAt(o, "trackName", &bad);
  if (bad) return Reject(RejectReason::kBadJson, line, raw);
  element ms_el;
  if (end_time.empty() || title.empty() || o.at_key("msPlayed").get(ms_el) || ms_el.is_null()) {
    return Reject(RejectReason::kMissingField, line, raw);
  }
  int64_t ms;
  if (ms_el.get_int64().get(ms) || ms < 0) return Reject(RejectReason::kBadMsPlayed, line, raw);
  const std::optional<CivilMinute> c = ParseCivilMinute(end_time);
  if (!c) return Reject(RejectReason::kBadTimestamp, line, raw);
  const int64_t end_s = rules_.zone
                            ? rules_.zone->ToUtc(c->year, c->month, c->day, c->hour, c->minute, 0)
                            : int64_t{DayFromCivil(c->year, static_cast<unsigned>(c->month),
                                                   static_cast<unsigned>(c->day))} *
                                      86400 +
                                  c->hour * 3600 + c->minute * 60;
  HistoryFields f;
  f.start_ms = end_s * 1000 - ms;
  f.ms_played = ms;
  f.artist = artist;
  f.title = title;
  AddHistoryPlay(f, line, raw);
}

// Google Takeout's YouTube history (watch-history.json): only entries whose header is "YouTube
// Music" are plays of music; a watch of a YouTube video is skipped as a video. No duration is
// recorded: a YouTube Music entry counts as a stream. The track is the video id.
void ChunkParser::ParseYouTube(std::string_view raw, uint64_t line) {
  object o;
  if (!Json().Dom(raw, &o)) return Reject(RejectReason::kBadJson, line, raw);
  bool bad = false;
  const std::string_view header = StringAt(o, "header", &bad);
  std::string_view title = StringAt(o, "title", &bad);
  const std::string_view url = StringAt(o, "titleUrl", &bad);
  const std::string_view time = StringAt(o, "time", &bad);
  if (bad) return Reject(RejectReason::kBadJson, line, raw);
  const size_t v = url.find("watch?v=");
  // Every entry of Takeout names its product: one that names none is not known to be a video.
  if (header.empty()) return Reject(RejectReason::kMissingField, line, raw);
  if (header != "YouTube Music") {
    if (v != std::string_view::npos) return Skip(SkipKind::kVideo);
    return Reject(RejectReason::kMissingField, line, raw);  // not a watch: a search, a removed item
  }
  if (time.empty() || title.empty() || v == std::string_view::npos) {
    return Reject(RejectReason::kMissingField, line, raw);
  }
  std::string_view video = url.substr(v + 8);
  video = video.substr(0, video.find('&'));
  if (StartsWith(title, "Watched ")) title.remove_prefix(8);
  std::string_view artist;
  element subs;
  if (!o.at_key("subtitles").get(subs)) {
    simdjson::dom::array a;
    object first;
    if (!subs.get_array().get(a) && a.size() > 0 && !a.at(0).get_object().get(first)) {
      artist = StringAt(first, "name", &bad);
      if (EndsWith(artist, " - Topic")) artist.remove_suffix(8);
    }
  }
  const std::optional<int64_t> start = ParseTimestampMillis(time);
  if (!start) return Reject(RejectReason::kBadTimestamp, line, raw);
  key_.assign("youtube:").append(video);
  const std::string id = key_;
  HistoryFields f;
  f.start_ms = *start;
  f.id = id;
  f.artist = artist;
  f.title = title;
  AddHistoryPlay(f, line, raw);
}

// ListenBrainz listens: {"listened_at": epoch seconds (when the listen began), "track_metadata":
// {"artist_name", "track_name", "additional_info": {"isrc", "spotify_id", ...}}, "user_name"}. A
// listen is a play by the submission rules (half the track or 4 minutes): a stream. An API answer
// {"payload": {"listens": [...]}} holds many.
void ChunkParser::ParseListenBrainz(std::string_view raw, uint64_t line) {
  object o;
  if (!Json().Dom(raw, &o)) return Reject(RejectReason::kBadJson, line, raw);
  element payload;
  if (!o.at_key("payload").get(payload)) {
    if (in_page_) return Reject(RejectReason::kBadJson, line, raw);  // pages hold listens only
    // An API page: the listens array, each parsed on its own with its own line.
    simdjson::padded_string_view view(raw.data(), raw.size(),
                                      raw.size() + simdjson::SIMDJSON_PADDING);
    simdjson::ondemand::document doc;
    simdjson::ondemand::array listens;
    std::string_view text;
    if (Json().ondemand.iterate(view).get(doc) || doc["payload"]["listens"].get_array().get(listens) ||
        listens.raw_json().get(text)) {
      return Reject(RejectReason::kMissingField, line, raw);
    }
    in_page_ = true;
    ForEachNested(text, raw, line,
                  [&](std::string_view e, uint64_t l) { ParseListenBrainz(e, l); });
    in_page_ = false;
    return;
  }
  bool bad = false;
  const std::string_view user = StringAt(o, "user_name", &bad);
  object meta;
  if (o.at_key("track_metadata").get_object().get(meta)) {
    return Reject(RejectReason::kMissingField, line, raw);
  }
  const std::string_view artist = StringAt(meta, "artist_name", &bad);
  const std::string_view title = StringAt(meta, "track_name", &bad);
  std::string_view isrc, spotify;
  object info;
  if (!meta.at_key("additional_info").get_object().get(info)) {
    bool ignore = false;  // optional details: a wrong type just goes unused
    isrc = StringAt(info, "isrc", &ignore);
    spotify = StringAt(info, "spotify_id", &ignore);
  }
  if (bad) return Reject(RejectReason::kBadJson, line, raw);
  if (title.empty() || artist.empty() || !Present(o, "listened_at")) {
    return Reject(RejectReason::kMissingField, line, raw);
  }
  const std::optional<int64_t> at = IntegerAt(o, "listened_at");
  if (!at || *at < 0 || *at > 6000000000) return Reject(RejectReason::kBadTimestamp, line, raw);
  std::string id;
  if (isrc.size() == 12) {
    id.assign(isrc);
  } else if (const size_t t = spotify.find("/track/"); t != std::string_view::npos) {
    id = "spotify:track:" + std::string(spotify.substr(t + 7, spotify.find('?') - t - 7));
  }
  HistoryFields f;
  f.start_ms = *at * 1000;
  f.id = id;
  f.artist = artist;
  f.title = title;
  f.user = user;
  AddHistoryPlay(f, line, raw);
}

// Last.fm: API user.getRecentTracks pages ({"recenttracks": {"track": [...], "@attr": {"user"}}},
// or the page's inner object as exporters save it), or the track objects themselves. A track
// "now playing" has no date yet and is skipped. A scrobble is a play by Last.fm's rule (half the
// track or 4 minutes): a stream. `date.uts` is when the track started.
void ChunkParser::ParseLastfm(std::string_view raw, uint64_t line) {
  object o;
  if (!Json().Dom(raw, &o)) return Reject(RejectReason::kBadJson, line, raw);
  object recent;
  const bool wrapped = !o.at_key("recenttracks").get_object().get(recent);
  const object page = wrapped ? recent : o;
  simdjson::dom::element track_field;
  if (!page.at_key("track").get(track_field) && (track_field.is_array() || track_field.is_object())) {
    // The API gives a page of one track as that track's object, not as an array of one.
    if (in_page_) return Reject(RejectReason::kBadJson, line, raw);  // pages hold tracks only
    // A page: its user stands for its tracks (they name none); each track is parsed on its own,
    // with its own line, from the page's text.
    std::string user;
    object attr;
    if (!page.at_key("@attr").get_object().get(attr)) {
      bool ignore = false;
      user.assign(StringAt(attr, "user", &ignore));
    }
    simdjson::padded_string_view view(raw.data(), raw.size(),
                                      raw.size() + simdjson::SIMDJSON_PADDING);
    const bool one = track_field.is_object();
    simdjson::ondemand::document doc;
    simdjson::ondemand::value tracks;
    simdjson::ondemand::object track_object;
    simdjson::ondemand::array track_array;
    std::string_view text;
    const bool failed =
        Json().ondemand.iterate(view).get(doc) ||
        (wrapped ? doc["recenttracks"]["track"].get(tracks) : doc["track"].get(tracks)) ||
        (one ? (tracks.get_object().get(track_object) || track_object.raw_json().get(text))
             : (tracks.get_array().get(track_array) || track_array.raw_json().get(text)));
    if (failed) return Reject(RejectReason::kBadJson, line, raw);
    page_user_ = std::move(user);
    in_page_ = true;
    if (one) {
      const size_t offset = static_cast<size_t>(text.data() - raw.data());
      ParseLastfm(text, line + static_cast<uint64_t>(
                                   std::count(raw.begin(), raw.begin() + static_cast<long>(offset), '\n')));
    } else {
      ForEachNested(text, raw, line, [&](std::string_view e, uint64_t l) { ParseLastfm(e, l); });
    }
    in_page_ = false;
    page_user_.clear();
    return;
  }
  object attr;
  if (!o.at_key("@attr").get_object().get(attr)) {
    bool ignore = false;
    if (StringAt(attr, "nowplaying", &ignore) == "true") return Skip(SkipKind::kNowPlaying);
  }
  bool bad = false;
  const std::string_view title = StringAt(o, "name", &bad);
  std::string_view artist;
  element a;
  if (!o.at_key("artist").get(a) && !a.is_null()) {
    object ao;
    if (!a.get_object().get(ao)) {
      artist = StringAt(ao, "#text", &bad);
      if (artist.empty()) artist = StringAt(ao, "name", &bad);
    } else if (a.get_string().get(artist)) {
      bad = true;
    }
  }
  std::optional<int64_t> start;
  bool has_date = false;
  object date;
  if (!o.at_key("date").get_object().get(date)) {
    has_date = true;
    start = IntegerAt(date, "uts");
    if (!start) {
      bool ignore = false;
      start = ParseLastfmDate(StringAt(date, "#text", &ignore));
    }
  } else if (Present(o, "date")) {
    has_date = true;
    start = IntegerAt(o, "date");
  }
  if (bad) return Reject(RejectReason::kBadJson, line, raw);
  if (title.empty() || artist.empty() || !has_date) {
    return Reject(RejectReason::kMissingField, line, raw);
  }
  if (!start || *start < 0 || *start > 6000000000) {
    return Reject(RejectReason::kBadTimestamp, line, raw);
  }
  HistoryFields f;
  f.start_ms = *start * 1000;
  f.artist = artist;
  f.title = title;
  f.user = page_user_;
  AddHistoryPlay(f, line, raw);
}

template <typename Fn>
void ChunkParser::ForEachNested(std::string_view array_text, std::string_view page,
                                uint64_t page_line, Fn one) {
  // array_text points into page: its line is the page's plus the line ends before it.
  const size_t offset = static_cast<size_t>(array_text.data() - page.data());
  const uint64_t first_line =
      page_line + static_cast<uint64_t>(std::count(page.begin(), page.begin() + offset, '\n'));
  JsonEntrySplitter splitter;
  std::vector<JsonEntrySplitter::Entry> entries;
  splitter.Scan(array_text.data(), array_text.size(), 0, &entries);
  for (const auto& e : entries) {
    // Each entry is followed by the rest of the page and its padding: readable as simdjson needs.
    one(array_text.substr(e.begin, e.end - e.begin), first_line + e.line - 1);
  }
}

// CSV histories: Apple Music Play Activity and Last.fm scrobbles.
void ChunkParser::AddCsvHistory(const std::vector<std::string_view>& fields, const CsvLayout& l,
                                uint64_t line, std::string_view raw) {
  auto at = [&](int col) {
    return col >= 0 ? Trim(fields[static_cast<size_t>(col)]) : std::string_view();
  };
  HistoryFields f;
  f.user = at(l.user);
  f.artist = at(l.artist);
  f.title = at(l.title);
  if (rules_.format == InputFormat::kAppleMusic) {
    // Apple Music Play Activity: a row per event; the play's duration is on its PLAY_END row.
    const std::string_view event = at(l.event_type);
    if (!event.empty() && event != "PLAY_END") return Skip(SkipKind::kNotPlayEvent);
    std::string media(at(l.media_type));
    for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (media == "video") return Skip(SkipKind::kVideo);
    if (f.title.empty()) {  // "Artist - Title" in one column (exports without an artist column)
      const std::string_view d = at(l.description);
      const size_t dash = d.find(" - ");
      if (dash != std::string_view::npos && f.artist.empty()) {
        f.artist = Trim(d.substr(0, dash));
        f.title = Trim(d.substr(dash + 3));
      } else {
        f.title = d;
      }
    }
    const std::string_view ms_s = at(l.ms_played);
    const std::string_view start_s = at(l.start), end_s = at(l.end);
    if (f.title.empty() || ms_s.empty() || (start_s.empty() && end_s.empty())) {
      return Reject(RejectReason::kMissingField, line, raw);
    }
    const std::optional<int64_t> ms = ParseInt64(ms_s);
    if (!ms || *ms < 0) return Reject(RejectReason::kBadMsPlayed, line, raw);
    const std::optional<int64_t> t = ParseTimestampMillis(start_s.empty() ? end_s : start_s);
    if (!t) return Reject(RejectReason::kBadTimestamp, line, raw);
    f.start_ms = start_s.empty() ? *t - *ms : *t;
    f.ms_played = *ms;
    f.country = at(l.country);
    std::string id;
    if (const std::string_view track_id = at(l.track_id); !track_id.empty()) {
      id = "apple:" + std::string(track_id);
      f.id = id;
    }
    return AddHistoryPlay(f, line, raw);
  }
  // Last.fm: the scrobble's start as epoch seconds (`uts`) or as "31 Jan 2021 14:05" (UTC).
  const std::string_view uts = at(l.uts), when = at(l.when);
  if (f.title.empty() || f.artist.empty() || (uts.empty() && when.empty())) {
    return Reject(RejectReason::kMissingField, line, raw);
  }
  std::optional<int64_t> start;
  if (!uts.empty()) {
    start = ParseInt64(uts);
  } else {
    start = ParseLastfmDate(when);
    if (!start) {
      if (auto ms = ParseTimestampMillis(when)) start = *ms / 1000;
    }
  }
  if (!start || *start < 0 || *start > 6000000000) {
    return Reject(RejectReason::kBadTimestamp, line, raw);
  }
  f.start_ms = *start * 1000;
  AddHistoryPlay(f, line, raw);
}

}  // namespace encore
