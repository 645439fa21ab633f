// JsonEntrySplitter: the entries of a JSON document found as it streams past. Every expectation is
// a ground truth built alongside the document (each entry's text is placed at a known offset and
// line), never what the splitter itself reported; and the same document scanned in pieces of every
// size, cut at every byte, must give the same entries.
#include "ingest/json_splitter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace encore {
namespace {

using Entry = JsonEntrySplitter::Entry;

struct Doc {
  std::string text;
  std::vector<Entry> want;  // where each entry really is
};

uint64_t LineAt(const std::string& text, size_t offset) {
  return 1 + static_cast<uint64_t>(
                 std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// Appends `entry` to the document as the next entry and records where it is.
void Put(Doc* d, const std::string& entry) {
  d->want.push_back(
      {d->text.size(), d->text.size() + entry.size(), LineAt(d->text, d->text.size())});
  d->text += entry;
}

std::vector<Entry> ScanInPieces(const std::string& text, const std::vector<size_t>& cuts,
                                JsonEntrySplitter* s) {
  std::vector<Entry> out;
  size_t at = 0;
  for (size_t cut : cuts) {
    s->Scan(text.data() + at, cut - at, at, &out);
    at = cut;
  }
  s->Scan(text.data() + at, text.size() - at, at, &out);
  return out;
}

std::vector<Entry> ScanWhole(const std::string& text, JsonEntrySplitter* s) {
  return ScanInPieces(text, {}, s);
}

void ExpectSame(const std::vector<Entry>& got, const std::vector<Entry>& want,
                const std::string& text, const std::string& how) {
  ASSERT_EQ(got.size(), want.size()) << how << "\n" << text;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].begin, want[i].begin) << how << " entry " << i;
    EXPECT_EQ(got[i].end, want[i].end) << how << " entry " << i;
    EXPECT_EQ(got[i].line, want[i].line) << how << " entry " << i;
  }
}

// Entries whose insides would fool a splitter that did not follow strings and escapes.
const std::vector<std::string> kTricky = {
    R"({"ts": "2023-03-02T00:02:00Z", "ms_played": 240000})",
    R"({"name": "a ] b } c [ d { e", "x": 1})",
    R"({"quote": "she said \"]}\" and left", "y": [1, 2, {"z": "}"}]})",
    R"({"backslash": "C:\\path\\", "next": "]"})",
    R"({"escaped_slash_then_quote": "\\\"", "k": "}}}}"})",
    R"({"unicode": "\u005d\u007d \u00e9 방탄소년단", "k": null})",
    "{\n  \"pretty\": true,\n  \"nested\": {\n    \"deep\": [\n      1,\n      2\n    ]\n  }\n}",
    R"({})",
    R"({"a": {"b": {"c": {"d": {"e": "[[[[{{{{"}}}}})",
};

TEST(JsonSplitter, FindsEveryEntryOfAnArrayAndItsLine) {
  Doc d;
  d.text = "[\n  ";
  for (size_t i = 0; i < kTricky.size(); ++i) {
    if (i) d.text += ",\n  ";
    Put(&d, kTricky[i]);
  }
  d.text += "\n]\n";
  JsonEntrySplitter s;
  ExpectSame(ScanWhole(d.text, &s), d.want, d.text, "whole");
  EXPECT_TRUE(s.is_array());
  EXPECT_FALSE(s.array_open());
  EXPECT_FALSE(s.open_entry().has_value());
  EXPECT_FALSE(s.Finish(d.text.size()).has_value());
  EXPECT_EQ(s.line(), LineAt(d.text, d.text.size()));
  // The first entry begins on line 2 (after "[\n").
  EXPECT_EQ(d.want[0].line, 2u);
}

TEST(JsonSplitter, ResumesAtAnyByte) {
  // Every cut point, and random runs of small pieces: the same entries, the same lines.
  Doc d;
  d.text = "[";
  for (size_t i = 0; i < kTricky.size(); ++i) {
    d.text += i ? " ,\r\n\t" : "\n";
    Put(&d, kTricky[i]);
  }
  d.text += "]";
  for (size_t cut = 0; cut <= d.text.size(); ++cut) {
    JsonEntrySplitter s;
    ExpectSame(ScanInPieces(d.text, {cut}, &s), d.want, d.text, "cut at " + std::to_string(cut));
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> cuts;
    for (size_t at = 0;;) {
      at += 1 + rng() % 9;
      if (at >= d.text.size()) break;
      cuts.push_back(at);
    }
    JsonEntrySplitter s;
    ExpectSame(ScanInPieces(d.text, cuts, &s), d.want, d.text, "round " + std::to_string(round));
  }
}

TEST(JsonSplitter, TopLevelValuesOneAfterAnother) {
  // JSON Lines, or values one after another: each top-level value is an entry, scalars too.
  Doc d;
  Put(&d, R"({"listened_at": 1650909600, "track_metadata": {"track_name": "x}"}})");
  d.text += "\n";
  Put(&d, R"({"b": 2})");
  Put(&d, R"({"c": "glued to the one before"})");
  d.text += "\n\n  ";
  Put(&d, R"("a string entry with ] and }")");
  d.text += " ";
  Put(&d, "12345");
  d.text += "\n";
  Put(&d, "[1, [2], {\"three\": 3}]");  // an array value after the first is an entry too
  d.text += "\n";
  JsonEntrySplitter s;
  ExpectSame(ScanWhole(d.text, &s), d.want, d.text, "values");
  EXPECT_FALSE(s.is_array());
  EXPECT_FALSE(s.array_open());
  EXPECT_FALSE(s.Finish(d.text.size()).has_value());
}

TEST(JsonSplitter, FinishReportsAnEntryTheStreamEndedInside) {
  {  // An array cut inside an entry: the tail is open, incomplete, where it began.
    const std::string text = "[\n {\"a\": 1},\n {\"b\": \"cut sho";
    JsonEntrySplitter s;
    const auto got = ScanWhole(text, &s);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_TRUE(s.open_entry().has_value());
    EXPECT_EQ(*s.open_entry(), text.find("{\"b\""));
    EXPECT_TRUE(s.array_open());
    const auto tail = s.Finish(text.size());
    ASSERT_TRUE(tail.has_value());
    EXPECT_FALSE(tail->complete);
    EXPECT_EQ(tail->entry.begin, text.find("{\"b\""));
    EXPECT_EQ(tail->entry.end, text.size());
    EXPECT_EQ(tail->entry.line, 3u);
  }
  {  // A bare number at the very end is complete: nothing after it could have ended it.
    const std::string text = "{\"a\": 1}\n42";
    JsonEntrySplitter s;
    const auto got = ScanWhole(text, &s);
    ASSERT_EQ(got.size(), 1u);
    const auto tail = s.Finish(text.size());
    ASSERT_TRUE(tail.has_value());
    EXPECT_TRUE(tail->complete);
    EXPECT_EQ(tail->entry.begin, text.size() - 2);
    EXPECT_EQ(tail->entry.line, 2u);
  }
  {  // An array whose last entry is whole but which never closes: no tail, the array is open.
    const std::string text = "[{\"a\": 1}, {\"b\": 2}";
    JsonEntrySplitter s;
    EXPECT_EQ(ScanWhole(text, &s).size(), 2u);
    EXPECT_TRUE(s.array_open());
    EXPECT_FALSE(s.Finish(text.size()).has_value());
  }
  {  // An empty array and an empty document: no entries at all.
    for (const std::string text : {"[]", "  [ \n ]  \n", "", "\n\n"}) {
      JsonEntrySplitter s;
      EXPECT_TRUE(ScanWhole(text, &s).empty()) << text;
      EXPECT_FALSE(s.Finish(text.size()).has_value()) << text;
    }
  }
}

TEST(JsonSplitter, AnEntryLongerThanAnyBufferCanBeDroppedAndItsEndStillFound) {
  // The caller keeps none of a huge entry's bytes: it hands the splitter each piece once and
  // drops it. The splitter still finds where that entry ends and the next one begins.
  const std::string head = "[{\"ok\": 1},\n{\"huge\": \"";
  const std::string piece(1 << 16, 'x');
  const std::string tail = "\"},\n{\"after\": \"]\"}\n]";
  JsonEntrySplitter s;
  std::vector<Entry> out;
  uint64_t at = 0;
  auto feed = [&](const std::string& bytes) {
    s.Scan(bytes.data(), bytes.size(), at, &out);
    at += bytes.size();
  };
  feed(head);
  const uint64_t huge_begin = head.size() - std::string("{\"huge\": \"").size();
  for (int i = 0; i < 64; ++i) {  // 4 MiB of one string
    feed(piece);
    ASSERT_TRUE(s.open_entry().has_value());
    EXPECT_EQ(*s.open_entry(), huge_begin);
  }
  feed(tail);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].begin, 1u);
  EXPECT_EQ(out[1].begin, huge_begin);
  EXPECT_EQ(out[1].end, head.size() + 64 * piece.size() + 2);
  EXPECT_EQ(out[1].line, 2u);
  EXPECT_EQ(out[2].begin, head.size() + 64 * piece.size() + 4);
  EXPECT_EQ(out[2].line, 3u);
  EXPECT_FALSE(s.array_open());
}

TEST(JsonSplitter, RandomDocumentsAgreeWithTheirConstruction) {
  // Random entries (objects with strings full of brackets, escaped quotes and backslashes),
  // random separators and white space, scanned in random pieces.
  std::mt19937 rng(12345);
  const std::string alphabet = "ab{}[]\",:\\ \n";
  auto random_string = [&]() {
    std::string s = "\"";
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      const char c = alphabet[rng() % alphabet.size()];
      if (c == '"' || c == '\\') {
        s += '\\';
        s += c;  // an escaped quote or backslash
      } else if (c == '\n') {
        s += "\\n";
      } else {
        s += c;
      }
    }
    return s + "\"";
  };
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    switch (depth > 3 ? rng() % 3 : rng() % 5) {
      case 0:
        return random_string();
      case 1:
        return std::to_string(rng() % 100000);
      case 2:
        return rng() % 2 ? "null" : "true";
      case 3: {
        std::string o = "{";
        const int n = static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) {
          o += (i ? ",\n   " : "") + random_string() + ": " + value(depth + 1);
        }
        return o + "}";
      }
      default: {
        std::string a = "[";
        const int n = static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) a += (i ? ", " : "") + value(depth + 1);
        return a + "]";
      }
    }
  };
  const std::vector<std::string> seps = {",", ", ", ",\n", " ,\n  ", ",\r\n", "\n,\n"};
  for (int doc = 0; doc < 300; ++doc) {
    Doc d;
    const bool array = doc % 2 == 0;
    d.text = array ? (rng() % 2 ? "[" : "\n [\n") : "";
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      if (i) d.text += array ? seps[rng() % seps.size()] : std::string(rng() % 2 ? "\n" : " \n ");
      Put(&d, "{" + random_string() + ": " + value(0) + "}");
    }
    if (array) d.text += "\n]";
    d.text += rng() % 2 ? "\n" : "";
    std::vector<size_t> cuts;
    for (size_t at = 0;;) {
      at += 1 + rng() % 17;
      if (at >= d.text.size()) break;
      cuts.push_back(at);
    }
    JsonEntrySplitter s;
    ExpectSame(ScanInPieces(d.text, cuts, &s), d.want, d.text, "doc " + std::to_string(doc));
    EXPECT_EQ(s.is_array(), array);
    EXPECT_FALSE(s.array_open());
    EXPECT_FALSE(s.Finish(d.text.size()).has_value());
    EXPECT_EQ(s.line(), LineAt(d.text, d.text.size())) << d.text;
  }
}

}  // namespace
}  // namespace encore
