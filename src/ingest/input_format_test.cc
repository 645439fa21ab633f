// SniffInput: a file's format told from its first bytes, never from its name (doc/ingest.md,
// "Inputs"). The heads below are written from each format's documentation (the field tables of
// doc/ingest.md and the exports' own layouts), with the byte-order marks, line ends and cut-off
// first blocks that real files have.
#include "ingest/input_format.h"

#include <gtest/gtest.h>

#include <string>

namespace encore {
namespace {

InputShape Sniff(const std::string& head, bool whole = true, const std::string& path = "f") {
  Result<InputShape> r = SniffInput(head, whole, path);
  EXPECT_TRUE(r.ok()) << r.status().message() << "\n" << head;
  return r.ok() ? *r : InputShape{};
}

std::string SniffError(const std::string& head, bool whole = true,
                       const std::string& path = "dir/x.json") {
  Result<InputShape> r = SniffInput(head, whole, path);
  EXPECT_FALSE(r.ok()) << "recognised as " << (r.ok() ? FormatKind(r->format) : "") << "\n"
                       << head;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  return r.status().message();
}

const char kSpotifyEntry[] =
    R"({"ts": "2023-03-02T00:02:00Z", "username": "user0", "platform": "ios", "ms_played": 240000, "conn_country": "US", "ip_addr": "192.0.2.1", "master_metadata_track_name": "Flowers", "master_metadata_album_artist_name": "Miley Cyrus", "master_metadata_album_album_name": "Endless Summer Vacation", "spotify_track_uri": "spotify:track:0yLdNVWF3Srea0uzk55zFn", "episode_name": null, "episode_show_name": null, "spotify_episode_uri": null, "audiobook_title": null, "audiobook_uri": null, "audiobook_chapter_uri": null, "audiobook_chapter_title": null, "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": false, "skipped": false, "offline": false, "offline_timestamp": null, "incognito_mode": false})";

TEST(InputFormat, EachHistoryFormatIsToldFromItsContent) {
  struct Case {
    std::string head;
    InputFormat format;
    Framing framing;
    const char* kind;
    const char* service;
  };
  const Case cases[] = {
      // Spotify extended, 2023 layout, pretty-printed as the export writes it.
      {"[\n  " + std::string(kSpotifyEntry) + "\n]\n", InputFormat::kSpotifyExtended,
       Framing::kJsonDocument, "spotify-extended", "spotify"},
      // The older endsong_N.json: no spotify_track_uri, names only.
      {R"j([{"ts": "2020-02-11T16:31:21Z", "username": "user0", "platform": "Android OS 9 API 28 (PHONE)", "ms_played": 290736, "conn_country": "DE", "master_metadata_track_name": "Carrion Flowers", "master_metadata_album_artist_name": "Chelsea Wolfe", "episode_name": null}])j",
       InputFormat::kSpotifyExtended, Framing::kJsonDocument, "spotify-extended", "spotify"},
      // A video podcast entry first (Streaming_History_Video_*.json).
      {R"([{"ts": "2023-05-01T11:00:00Z", "ms_played": 1800000, "conn_country": "DE", "spotify_track_uri": null, "episode_name": "Ep 1", "episode_show_name": "A Show", "spotify_episode_uri": "spotify:episode:abc"}])",
       InputFormat::kSpotifyExtended, Framing::kJsonDocument, "spotify-extended", "spotify"},
      // Spotify account data.
      {"[\n  {\n    \"endTime\" : \"2024-05-06 18:43\",\n    \"artistName\" : \"Twenty One "
       "Pilots\",\n    \"trackName\" : \"Oh Ms Believer\",\n    \"msPlayed\" : 216783\n  }\n]",
       InputFormat::kSpotifyAccount, Framing::kJsonDocument, "spotify-account", "spotify"},
      // Its podcast file: the same endTime/msPlayed keys.
      {R"([{"endTime": "2024-05-06 18:43", "podcastName": "A Show", "episodeName": "Ep 1", "msPlayed": 1200000}])",
       InputFormat::kSpotifyAccount, Framing::kJsonDocument, "spotify-account", "spotify"},
      // Google Takeout watch-history.json.
      {R"([{"header": "YouTube Music", "title": "Watched Solar", "titleUrl": "https://music.youtube.com/watch?v=-e8Nfjl_AKk", "subtitles": [{"name": "Sault - Topic", "url": "https://www.youtube.com/channel/UC"}], "time": "2022-04-25T18:09:04.784Z", "products": ["YouTube"], "activityControls": ["YouTube watch history"]}])",
       InputFormat::kYouTubeTakeout, Framing::kJsonDocument, "youtube-music", "youtube_music"},
      // ListenBrainz export: JSON Lines.
      {R"({"listened_at": 1650909600, "track_metadata": {"artist_name": "Sault", "track_name": "Solar", "additional_info": {"isrc": "GBKPL2000123"}}, "user_name": "alice"})"
       "\n"
       R"({"listened_at": 1650909900, "track_metadata": {"artist_name": "Sault", "track_name": "Wildfires"}, "user_name": "alice"})"
       "\n",
       InputFormat::kListenBrainz, Framing::kJsonLines, "listenbrainz", "listenbrainz"},
      // ListenBrainz as a JSON array.
      {R"([{"listened_at": 1650909600, "track_metadata": {"artist_name": "Sault", "track_name": "Solar"}}])",
       InputFormat::kListenBrainz, Framing::kJsonDocument, "listenbrainz", "listenbrainz"},
      // ListenBrainz API answer.
      {"{\n  \"payload\": {\n    \"count\": 1,\n    \"listens\": [\n      {\"listened_at\": "
       "1650909600, \"track_metadata\": {\"artist_name\": \"Sault\", \"track_name\": "
       "\"Solar\"}}\n    ],\n    \"user_id\": \"alice\"\n  }\n}\n",
       InputFormat::kListenBrainz, Framing::kJsonDocument, "listenbrainz", "listenbrainz"},
      // Last.fm API page.
      {R"({"recenttracks": {"track": [{"artist": {"mbid": "", "#text": "Sault"}, "name": "Solar", "date": {"uts": "1650909600", "#text": "25 Apr 2022, 18:00"}}], "@attr": {"user": "alice", "totalPages": "1", "page": "1", "perPage": "200", "total": "1"}}})",
       InputFormat::kLastfmJson, Framing::kJsonDocument, "lastfm-json", "lastfm"},
      // Several pages in an array.
      {R"([{"recenttracks": {"track": [], "@attr": {"user": "alice"}}}, {"recenttracks": {"track": [], "@attr": {"user": "alice"}}}])",
       InputFormat::kLastfmJson, Framing::kJsonDocument, "lastfm-json", "lastfm"},
      // The inner page object as exporters save it.
      {R"({"track": [{"artist": {"#text": "Sault"}, "name": "Solar", "date": {"uts": "1650909600"}}], "@attr": {"user": "alice"}})",
       InputFormat::kLastfmJson, Framing::kJsonDocument, "lastfm-json", "lastfm"},
      // Track objects in an array, the first one now playing (no date).
      {R"([{"artist": {"#text": "Sault"}, "name": "Solar", "@attr": {"nowplaying": "true"}}, {"artist": {"#text": "Sault"}, "name": "Solar", "date": {"uts": "1650909600"}}])",
       InputFormat::kLastfmJson, Framing::kJsonDocument, "lastfm-json", "lastfm"},
      // Apple Music Play Activity (a selection of its many columns, in the export's order).
      {"Apple ID Number,Apple Music Subscription,Artist Name,Build Version,Content Name,"
       "Content Specific Type,End Position In Milliseconds,End Reason Type,Event End Timestamp,"
       "Event Start Timestamp,Event Type,Feature Name,Genre,ISO Country,Media Duration In "
       "Milliseconds,Media Type,Offline,Play Duration Milliseconds,Song Name,Track Identifier,UTC "
       "Offset In Seconds\r\n"
       "12345678901,true,Sault,Music/1.0,Solar,Song,200000,NATURAL_END_OF_TRACK,2022-04-25T18:"
       "12:24.784Z,2022-04-25T18:09:04.784Z,PLAY_END,library,R&B/Soul,GB,200000,AUDIO,false,"
       "200000,Solar,1523301234,3600\r\n",
       InputFormat::kAppleMusic, Framing::kCsv, "apple-music", "apple_music"},
      // An older Apple layout: Track Description instead of the artist, Event Timestamp only.
      {"Track Description,Event Timestamp,Play Duration Milliseconds,Event Type\n"
       "Sault - Solar,2019-04-25T18:12:24.784Z,200000,PLAY_END\n",
       InputFormat::kAppleMusic, Framing::kCsv, "apple-music", "apple_music"},
      // Last.fm CSV, lastfm.ghan.nl.
      {"uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"
       "1650909600,\"25 Apr 2022, 18:00\",Sault,,Untitled (Rise),,Solar,\n",
       InputFormat::kLastfmCsv, Framing::kCsv, "lastfm-csv", "lastfm"},
      // Last.fm CSV without a header (benjaminbenben's lastfm-to-csv).
      {"Sault,Untitled (Rise),Solar,25 Apr 2022 18:00\nSault,Untitled (Rise),Wildfires,25 Apr "
       "2022 18:04\n",
       InputFormat::kLastfmCsv, Framing::kCsv, "lastfm-csv", "lastfm"},
  };
  for (const Case& c : cases) {
    const InputShape s = Sniff(c.head);
    EXPECT_EQ(FormatKind(s.format), c.kind) << c.head;
    EXPECT_EQ(s.format, c.format) << c.head;
    EXPECT_EQ(s.framing, c.framing) << c.head;
    EXPECT_EQ(FormatService(s.format), c.service) << c.head;
    EXPECT_TRUE(IsHistory(s.format)) << c.head;
    EXPECT_EQ(s.bom, 0u);
    EXPECT_FALSE(s.cr_only) << c.head;
    EXPECT_GT(s.entry_limit, 0u);
  }
}

TEST(InputFormat, PlaysAndTotalsAreNotHistories) {
  InputShape s =
      Sniff("ts,user,track,ms_played,country,tier\n2024-01-01T00:00:00Z,u,t,1,US,free\n");
  EXPECT_EQ(s.format, InputFormat::kPlaysCsv);
  EXPECT_EQ(FormatKind(s.format), "plays-csv");
  EXPECT_FALSE(IsHistory(s.format));
  EXPECT_EQ(FormatService(s.format), "");
  EXPECT_EQ(s.csv.columns, 6u);
  EXPECT_EQ(s.csv.ts, 0);
  EXPECT_EQ(s.csv.tier, 5);
  // Columns in any order, extra ones ignored, service optional.
  s = Sniff("tier,extra,country,ms_played,track,user,ts,service\n");
  EXPECT_EQ(s.format, InputFormat::kPlaysCsv);
  EXPECT_EQ(s.csv.columns, 8u);
  EXPECT_EQ(s.csv.ts, 6);
  EXPECT_EQ(s.csv.service, 7);
  EXPECT_EQ(s.csv.tier, 0);
  s = Sniff("date,country,track,streams,tier\n2024-01-01,US,t,5,\n");
  EXPECT_EQ(s.format, InputFormat::kTotalsCsv);
  EXPECT_EQ(FormatKind(s.format), "daily-csv");
  EXPECT_FALSE(IsHistory(s.format));
  s = Sniff(
      R"({"ts": "2024-01-01T00:00:00Z", "user": "u", "track": "t", "ms_played": 1, "country": "US", "tier": "free"})"
      "\n");
  EXPECT_EQ(s.format, InputFormat::kPlaysJson);
  EXPECT_EQ(s.framing, Framing::kJsonLines);
  EXPECT_EQ(FormatKind(s.format), "plays-jsonl");
  EXPECT_EQ(s.entry_limit, kMaxEntryBytes);
}

TEST(InputFormat, ByteOrderMarkAndLineEnds) {
  const std::string bom = "\xEF\xBB\xBF";
  // A BOM before a JSON array (some Spotify exports), a CSV header, a JSON line.
  InputShape s = Sniff(bom + "[\n  " + kSpotifyEntry + "\n]\n");
  EXPECT_EQ(s.format, InputFormat::kSpotifyExtended);
  EXPECT_EQ(s.bom, 3u);
  s = Sniff(bom + "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\r\n");
  EXPECT_EQ(s.format, InputFormat::kLastfmCsv);
  EXPECT_EQ(s.bom, 3u);
  EXPECT_FALSE(s.cr_only);  // CRLF is not a lone CR
  s = Sniff(bom + "ts,user,track,ms_played,country,tier\r\n");
  EXPECT_EQ(s.format, InputFormat::kPlaysCsv);
  EXPECT_EQ(s.bom, 3u);
  EXPECT_EQ(s.csv.tier, 5);  // "tier\r" is not a column name
  // Lone CR line ends (classic Mac): read as lines.
  s = Sniff(
      "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\r"
      "1650909600,25 Apr 2022 18:00,Sault,,Untitled (Rise),,Solar,\r");
  EXPECT_EQ(s.format, InputFormat::kLastfmCsv);
  EXPECT_TRUE(s.cr_only);
  EXPECT_EQ(s.csv.columns, 8u);
  EXPECT_EQ(s.csv.uts, 0);
  EXPECT_EQ(s.csv.artist, 2);
  EXPECT_EQ(s.csv.title, 6);
  s = Sniff(bom + "Sault,Untitled (Rise),Solar,25 Apr 2022 18:00\rSault,X,Y,25 Apr 2022 18:04\r");
  EXPECT_EQ(s.format, InputFormat::kLastfmCsv);
  EXPECT_TRUE(s.cr_only);
  EXPECT_FALSE(s.csv.header);
  EXPECT_EQ(s.bom, 3u);
  s = Sniff(
      "[\r  {\"endTime\": \"2024-05-06 18:43\", \"artistName\": \"A\", \"trackName\": \"B\", "
      "\"msPlayed\": 1}\r]\r");
  EXPECT_EQ(s.format, InputFormat::kSpotifyAccount);
  EXPECT_TRUE(s.cr_only);
  // JSON Lines with CRLF are still JSON Lines.
  s = Sniff(
      R"({"listened_at": 1650909600, "track_metadata": {"artist_name": "Sault", "track_name": "Solar"}})"
      "\r\n"
      R"({"listened_at": 1650909700, "track_metadata": {"artist_name": "Sault", "track_name": "Solar"}})"
      "\r\n");
  EXPECT_EQ(s.format, InputFormat::kListenBrainz);
  EXPECT_EQ(s.framing, Framing::kJsonLines);
  EXPECT_FALSE(s.cr_only);
}

TEST(InputFormat, CsvLayoutsOfHistories) {
  // Apple: the columns read, wherever they are.
  InputShape s = Sniff(
      "Event Type,Media Type,Song Name,Artist Name,Event Start Timestamp,Event End Timestamp,"
      "Play Duration Milliseconds,Apple ID Number,Track Identifier,ISO Country\n");
  ASSERT_EQ(s.format, InputFormat::kAppleMusic);
  EXPECT_EQ(s.csv.columns, 10u);
  EXPECT_EQ(s.csv.event_type, 0);
  EXPECT_EQ(s.csv.media_type, 1);
  EXPECT_EQ(s.csv.title, 2);
  EXPECT_EQ(s.csv.artist, 3);
  EXPECT_EQ(s.csv.start, 4);
  EXPECT_EQ(s.csv.end, 5);
  EXPECT_EQ(s.csv.ms_played, 6);
  EXPECT_EQ(s.csv.user, 7);
  EXPECT_EQ(s.csv.track_id, 8);
  EXPECT_EQ(s.csv.country, 9);
  // Newer Apple exports: Content Name and Container Artist Name.
  s = Sniff("Container Artist Name,Content Name,Event End Timestamp,Play Duration Milliseconds\n");
  ASSERT_EQ(s.format, InputFormat::kAppleMusic);
  EXPECT_EQ(s.csv.artist, 0);
  EXPECT_EQ(s.csv.title, 1);
  EXPECT_EQ(s.csv.start, -1);
  EXPECT_EQ(s.csv.end, 2);
  // Last.fm with a `date` column instead of `uts`.
  s = Sniff("artist,album,track,date\nSault,Untitled (Rise),Solar,25 Apr 2022 18:00\n");
  ASSERT_EQ(s.format, InputFormat::kLastfmCsv);
  EXPECT_TRUE(s.csv.header);
  EXPECT_EQ(s.csv.artist, 0);
  EXPECT_EQ(s.csv.title, 2);
  EXPECT_EQ(s.csv.when, 3);
  EXPECT_EQ(s.csv.uts, -1);
  // Headerless Last.fm: the first line is a record, and a quoted artist with a comma is one field.
  s = Sniff("\"Tyler, The Creator\",IGOR,EARFQUAKE,\"31 Jan 2021, 14:05\"\n");
  ASSERT_EQ(s.format, InputFormat::kLastfmCsv);
  EXPECT_FALSE(s.csv.header);
  EXPECT_EQ(s.csv.columns, 4u);
  EXPECT_EQ(s.csv.when, 3);
}

TEST(InputFormat, AFirstEntryCutOffByTheFirstBlockIsStillRecognised) {
  // The first block of a big file ends inside its first entry: the keys seen so far decide.
  std::string head =
      "[\n  {\"ts\": \"2023-03-02T00:02:00Z\", \"ms_played\": 240000, "
      "\"conn_country\": \"US\", \"master_metadata_track_name\": \"";
  head += std::string(5000, 'a');
  EXPECT_EQ(Sniff(head, /*whole=*/false).format, InputFormat::kSpotifyExtended);
  head = "{\"payload\": {\"count\": 1000, \"listens\": [{\"listened_at\": 1";
  const InputShape s = Sniff(head, false);
  EXPECT_EQ(s.format, InputFormat::kListenBrainz);
  EXPECT_EQ(s.entry_limit, kMaxPageBytes);  // a page holds many listens
  EXPECT_GT(kMaxPageBytes, kMaxEntryBytes);
  const InputShape lastfm = Sniff("{\"recenttracks\": {\"track\": [{\"name\": \"x", false);
  EXPECT_EQ(lastfm.format, InputFormat::kLastfmJson);
  EXPECT_EQ(lastfm.entry_limit, kMaxPageBytes);
  // A single track entry is no page: the entry limit of one play.
  EXPECT_EQ(Sniff("[" + std::string(kSpotifyEntry) + "]").entry_limit, kMaxEntryBytes);
}

TEST(InputFormat, WhatIsNotRecognisedFailsNamingTheFileLineAndWhatWasFound) {
  std::string e = SniffError(R"([{"foo": 1, "bar": 2}])");
  EXPECT_NE(e.find("dir/x.json:1:"), std::string::npos) << e;
  EXPECT_NE(e.find("bar, foo"), std::string::npos) << e;  // the keys it found
  e = SniffError("[\n\n  {\"id\": 7}\n]");
  EXPECT_NE(e.find("dir/x.json:3:"), std::string::npos) << e;  // the line of the first entry
  e = SniffError("[1, 2, 3]");
  EXPECT_NE(e.find("not objects"), std::string::npos) << e;
  e = SniffError("[]");
  EXPECT_NE(e.find("no entries"), std::string::npos) << e;
  e = SniffError("  [\n]\n");
  EXPECT_NE(e.find("no entries"), std::string::npos) << e;
  e = SniffError("");
  EXPECT_NE(e.find("empty"), std::string::npos) << e;
  e = SniffError("\xEF\xBB\xBF \n\n");
  EXPECT_NE(e.find("empty"), std::string::npos) << e;
  e = SniffError("name,age\nbob,4\n", true, "people.csv");
  EXPECT_NE(e.find("people.csv:1:"), std::string::npos) << e;
  // A plays header missing columns says which.
  e = SniffError("ts,user,track\n", true, "p.csv");
  EXPECT_NE(e.find("ms_played"), std::string::npos) << e;
  // A first line longer than the first block: neither a header nor a document.
  e = SniffError(std::string(3 << 20, 'x'), false, "bomb.csv");
  EXPECT_NE(e.find("bomb.csv:1:"), std::string::npos) << e;
  // Binary bytes (a zstd frame magic, not decompressed).
  e = SniffError(std::string("\x28\xb5\x2f\xfd\x00\x01\x02\x03\n", 9), true, "b.bin");
  EXPECT_NE(e.find("b.bin"), std::string::npos) << e;
}

TEST(InputFormat, Utf16IsNamedAsSuch) {
  auto utf16 = [](const std::string& ascii, bool little, bool bom) {
    std::string out = bom ? (little ? "\xFF\xFE" : "\xFE\xFF") : "";
    for (const char c : ascii) {
      out += little ? std::string{c, '\0'} : std::string{'\0', c};
    }
    return out;
  };
  const std::string json = "[" + std::string(kSpotifyEntry) + "]";
  for (const bool little : {true, false}) {
    for (const bool bom : {true, false}) {
      EXPECT_NE(SniffError(utf16(json, little, bom)).find("UTF-16 text, not UTF-8"),
                std::string::npos);
      EXPECT_NE(SniffError(utf16("Apple ID Number,Event Type\n", little, bom)).find("UTF-16"),
                std::string::npos);
    }
  }
}

// One broken first entry does not decide the format: the first entries vote.
TEST(InputFormat, AFirstEntryLackingAFieldIsOutvoted) {
  std::string entry = kSpotifyEntry;
  std::string broken = entry;
  broken.erase(broken.find("\"ms_played\""), std::string("\"ms_played\": 240000, ").size());
  EXPECT_EQ(Sniff("[" + broken + "," + entry + "," + entry + "]").format,
            InputFormat::kSpotifyExtended);
  EXPECT_EQ(Sniff(R"([{"endTime": "2024-05-06 18:40", "artistName": "a", "trackName": "b"},)"
                  R"({"endTime": "2024-05-06 18:43", "artistName": "a", "trackName": "b", "msPlayed": 1}])")
                .format,
            InputFormat::kSpotifyAccount);
  // An extra key in one entry of plain plays does not make the file another format.
  std::string plays = "[";
  for (int i = 0; i < 40; ++i) {
    plays += std::string(i ? "," : "") +
             R"({"ts": "2024-01-01T00:00:00Z", "user": "u", "track": "T1", "ms_played": 40000)" +
             (i == 10 ? R"(, "listened_at": 1704067200)" : "") + "}";
  }
  EXPECT_EQ(Sniff(plays + "]").format, InputFormat::kPlaysJson);
  const InputShape lastfm = Sniff("Sault,Air,Solar,\nSault,Air,Solar,25 Apr 2022 18:00\n");
  EXPECT_EQ(lastfm.format, InputFormat::kLastfmCsv);
  EXPECT_FALSE(lastfm.csv.header);
}

TEST(InputFormat, TheNameNeverDecides) {
  // A Spotify history named like a CSV, a CSV named like JSON: the content decides.
  Result<InputShape> r = SniffInput("[" + std::string(kSpotifyEntry) + "]", true, "plays.csv");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format, InputFormat::kSpotifyExtended);
  r = SniffInput("ts,user,track,ms_played,country,tier\n", true,
                 "Streaming_History_Audio_2023.json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format, InputFormat::kPlaysCsv);
}

}  // namespace
}  // namespace encore
