#include "common/csv_scanner.h"

#include <gtest/gtest.h>

namespace encore {

std::vector<std::string> Split(std::string_view raw, bool* ok) {
  std::vector<std::string_view> f;
  std::string scratch;
  *ok = SplitCsv(raw, &f, &scratch);
  return {f.begin(), f.end()};
}

TEST(SplitCsv, HandlesQuotingPerRfc4180) {
  bool ok;
  EXPECT_EQ(Split("a,b,,c", &ok), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_TRUE(ok);
  EXPECT_EQ(Split(R"("a,b","say ""hi""",c)", &ok),
            (std::vector<std::string>{"a,b", "say \"hi\"", "c"}));
  EXPECT_TRUE(ok);
  EXPECT_EQ(Split("\"line\nbreak\",x", &ok), (std::vector<std::string>{"line\nbreak", "x"}));
  EXPECT_TRUE(ok);
  Split(R"(a"b,c)", &ok);
  EXPECT_FALSE(ok);
  Split(R"("ab"c,d)", &ok);
  EXPECT_FALSE(ok);
  Split(R"("abc,d)", &ok);
  EXPECT_FALSE(ok);
}

TEST(CsvRecordReader, KeepsQuotedLineEndsAndCountsLines) {
  const std::string data = "a,b\r\n\"x\ny\",z\n\nlast";
  CsvRecordReader r(data, 10, true);
  CsvRecordReader::Record rec;
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.raw, "a,b");
  EXPECT_EQ(rec.line, 10u);
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.raw, "\"x\ny\",z");
  EXPECT_EQ(rec.line, 11u);
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.raw, "");
  EXPECT_EQ(rec.line, 13u);
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.raw, "last");
  EXPECT_EQ(rec.line, 14u);
  EXPECT_FALSE(r.Next(&rec));
}

TEST(FindBoundaries, NeverSplitsInsideQuotes) {
  const std::string data = "a,\"1\n2\n3\n4\n5\n6\n7\n8\",b\nc,d\ne,f\n";
  const Boundaries b = FindBoundaries(data, true);
  EXPECT_EQ(b.last, data.size());
  EXPECT_EQ(data.substr(b.mid), "c,d\ne,f\n");
}

TEST(CsvRecordReader, CutsARunawayQuoteAtTheLimit) {
  std::string data = "\"" + std::string(kMaxRecordBytes + 10, 'x') + "\nnext,line\n";
  CsvRecordReader r(data, 1, true);
  CsvRecordReader::Record rec;
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_TRUE(rec.too_long);
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.raw, "next,line");
  EXPECT_EQ(rec.line, 2u);
}

}  // namespace encore
