#include "store/local_store.h"

#include "common/reject_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/codecs.h"

namespace encore {
namespace {

// Passes calls through to the real file system until `budget` mutating calls have been made;
// then the failing write leaves half its bytes behind, as a crash would, and every call fails.
class FailingFileSystem final : public FileSystem {
 public:
  explicit FailingFileSystem(int budget) : budget_(budget) {}
  Status WriteFile(const std::string& p, std::string_view d, bool sync) override {
    if (Spend()) return real_->WriteFile(p, d, sync);
    (void)real_->WriteFile(p, d.substr(0, d.size() / 2), false);
    return Status::IoError("injected failure writing " + p);
  }
  Result<std::string> ReadFile(const std::string& p) const override { return real_->ReadFile(p); }
  Status Rename(const std::string& a, const std::string& b) override {
    return Spend() ? real_->Rename(a, b) : Status::IoError("injected");
  }
  Status SyncDir(const std::string& d) override {
    return Spend() ? real_->SyncDir(d) : Status::IoError("injected");
  }
  Status SyncFiles(const std::vector<std::string>& p) override {
    return Spend() ? real_->SyncFiles(p) : Status::IoError("injected");
  }
  Status Remove(const std::string& p) override {
    return Spend() ? real_->Remove(p) : Status::IoError("injected");
  }
  Status MakeDirs(const std::string& d) override { return real_->MakeDirs(d); }
  bool Exists(const std::string& p) const override { return real_->Exists(p); }
  Result<std::vector<std::string>> List(const std::string& d) const override {
    return real_->List(d);
  }
  Result<uint64_t> FileSize(const std::string& p) const override { return real_->FileSize(p); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override {
    return real_->LockFile(p);
  }
  bool exhausted() const { return budget_ < 0; }

 private:
  bool Spend() { return budget_-- > 0; }
  FileSystem* real_ = PosixFileSystem();
  int budget_;
};

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("encore-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

CommitBatch SomeBatch(int n) {
  CommitBatch b;
  b.new_tracks = {"track-" + std::to_string(n)};
  DayUpdate d;
  d.day = DayFromCivil(2024, 1, 1) + n;
  d.counts = {{MakeCell(0, 0, 10), Tier::kPremium, 100 + n}};
  d.state = {{MakeCell(0, 0, 10), 42, 3, 1}};
  b.days.push_back(d);
  b.new_services = n == 0 ? std::vector<std::string>{"spotify"} : std::vector<std::string>{};
  SourceRecord src;
  src.fingerprint = "fp" + std::to_string(n);
  src.path = "file" + std::to_string(n);
  b.source = src;
  RejectLog log;
  log.Add(7, RejectReason::kBadTier, "a,b,c");
  b.rejects.count = log.count();
  b.rejects.frame = log.Finish();
  return b;
}

}  // namespace

TEST(LocalStore, CommitsSurviveReopen) {
  const std::string dir = TempDir("reopen");
  {
    auto s = OpenLocalStore(dir, {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->Apply(SomeBatch(0)).ok());
    ASSERT_TRUE((*s)->Apply(SomeBatch(1)).ok());
  }
  StoreOptions ro;
  ro.read_only = true;
  auto s = OpenLocalStore(dir, ro);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->tracks().size(), 2u);
  EXPECT_TRUE((*s)->HasSource("fp1"));
  auto rows = (*s)->ReadCounts(DayFromCivil(2024, 1, 2));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].streams, 101);
  auto rejects = (*s)->ReadRejects((*s)->Sources()[1]);
  ASSERT_TRUE(rejects.ok());
  EXPECT_EQ((*rejects)[0].text, "a,b,c");
  std::filesystem::remove_all(dir);
}

namespace {

size_t DataFiles(const std::string& dir) {
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/data"))
    files += e.is_regular_file();
  return files;
}

// Fails a second commit at every possible step (its day staged first when `stage`, as ingest
// does); the store must then read wholly as after the first commit or wholly as after the second,
// with no file the manifest does not name.
void FailEveryStepOfTheSecondCommit(bool stage) {
  for (int budget = 0; budget < 40; ++budget) {
    const std::string dir = TempDir(stage ? "stage" : "fail");
    {
      auto s = OpenLocalStore(dir, {});
      ASSERT_TRUE(s.ok());
      ASSERT_TRUE((*s)->Apply(SomeBatch(0)).ok());
    }
    FailingFileSystem fs(budget);
    bool committed = false;
    {
      auto s = OpenLocalStoreWith(dir, {}, &fs);
      CommitBatch b = SomeBatch(1);
      bool staged = true;
      if (s.ok() && stage) {
        staged = (*s)->StageDay(&b.days[0]).ok();
        if (staged) {
          EXPECT_TRUE(b.days[0].counts.empty());
          EXPECT_TRUE(b.days[0].staged.has_value());
          EXPECT_TRUE((*s)->ReadCounts(DayFromCivil(2024, 1, 2))->empty());  // not live yet
        }
      }
      if (s.ok() && staged) committed = (*s)->Apply(std::move(b)).ok();
    }
    auto s = OpenLocalStore(dir, {});  // a writer: removes what the failed commit left
    ASSERT_TRUE(s.ok()) << "budget " << budget << ": " << s.status().ToString();
    // A failed call may still have committed (the manifest renamed, its directory sync failed);
    // whichever it is, the store must be wholly that state.
    const bool after = (*s)->HasSource("fp1");
    if (committed) {
      EXPECT_TRUE(after) << budget;
    }
    committed = after;
    EXPECT_EQ((*s)->tracks().size(), committed ? 2u : 1u);
    auto first = (*s)->ReadCounts(DayFromCivil(2024, 1, 1));
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ((*first)[0].streams, 100);
    auto second = (*s)->ReadCounts(DayFromCivil(2024, 1, 2));
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    if (committed) {
      ASSERT_EQ(second->size(), 1u) << budget;
      EXPECT_EQ((*second)[0].streams, 101);
      EXPECT_EQ((*s)->ReadCapState(DayFromCivil(2024, 1, 2))->size(), 1u);
      EXPECT_EQ((*s)->Stats().streams, 201);
    } else {
      EXPECT_TRUE(second->empty()) << budget;
    }
    EXPECT_EQ(DataFiles(dir), committed ? 5u : 3u) << budget;  // dict + (seg + cap) per day
    std::filesystem::remove_all(dir);
    if (committed && !fs.exhausted()) break;
  }
}

}  // namespace

TEST(LocalStore, AFailedCommitLeavesTheLastCommittedState) { FailEveryStepOfTheSecondCommit(false); }

TEST(LocalStore, StagedDaysAreLiveOnlyOnceCommitted) { FailEveryStepOfTheSecondCommit(true); }

TEST(LocalStore, AStagedDayThatTheCommitSealsKeepsNoCapState) {
  const std::string dir = TempDir("stage-seal");
  auto s = OpenLocalStore(dir, {});
  ASSERT_TRUE(s.ok());
  CommitBatch b = SomeBatch(0);
  b.seal_before = DayFromCivil(2024, 1, 2);
  ASSERT_TRUE((*s)->StageDay(&b.days[0]).ok());
  ASSERT_TRUE((*s)->Apply(std::move(b)).ok());
  EXPECT_TRUE((*s)->ReadCapState(DayFromCivil(2024, 1, 1))->empty());
  EXPECT_EQ((*s)->ReadCounts(DayFromCivil(2024, 1, 1))->size(), 1u);
  EXPECT_EQ(DataFiles(dir), 2u);  // dict + seg: the staged cap file went
  std::filesystem::remove_all(dir);
}

TEST(LocalStore, SealingDropsCapState) {
  const std::string dir = TempDir("seal");
  auto s = OpenLocalStore(dir, {});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Apply(SomeBatch(0)).ok());
  ASSERT_EQ((*s)->ReadCapState(DayFromCivil(2024, 1, 1))->size(), 1u);
  CommitBatch seal;
  seal.seal_before = DayFromCivil(2024, 1, 2);
  ASSERT_TRUE((*s)->Apply(seal).ok());
  EXPECT_TRUE((*s)->ReadCapState(DayFromCivil(2024, 1, 1))->empty());
  EXPECT_EQ((*s)->ReadCounts(DayFromCivil(2024, 1, 1))->size(), 1u);
  std::filesystem::remove_all(dir);
}

TEST(LocalStore, ASecondWriterIsRefused) {
  const std::string dir = TempDir("lock");
  auto a = OpenLocalStore(dir, {});
  ASSERT_TRUE(a.ok());
  auto b = OpenLocalStore(dir, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

TEST(Codecs, DetectCorruption) {
  const std::string seg = EncodeSegment(5, {{1, Tier::kFree, 3}, {2, Tier::kPremium, 4}});
  std::vector<CountRow> rows;
  ASSERT_TRUE(DecodeSegment(seg, "x", 5, &rows).ok());
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(DecodeSegment(seg, "x", 6, &rows).code(), StatusCode::kCorruption);  // another day
  for (size_t i = 0; i < seg.size(); i += 3) {
    std::string bad = seg;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    EXPECT_EQ(DecodeSegment(bad, "x", 5, &rows).code(), StatusCode::kCorruption) << i;
  }
  EXPECT_EQ(DecodeSegment(seg.substr(0, seg.size() - 1), "x", 5, &rows).code(),
            StatusCode::kCorruption);
  std::vector<std::string> names;
  EXPECT_EQ(DecodeDictionary(seg, "x", &names).code(), StatusCode::kCorruption);  // wrong magic
}

}  // namespace encore
