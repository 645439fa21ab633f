// Finds the entries of a JSON document as it streams past, without holding it: the elements of a
// top-level array, or else each top-level value (one object, or objects one after another).
// Strings and their escapes are followed so that brackets inside them do not count; nothing else
// is checked (each entry is parsed on its own afterwards, and a broken one is rejected there).
// The scan can stop and resume at any byte, so a caller may drop the bytes of an entry it no
// longer wants (one over the size limit) and still learn where that entry ends.
//
// The model is simdjson's structural scan, reduced to what splitting needs: one pass, no tape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstddef>
#include <optional>
#include <vector>

namespace encore {

class JsonEntrySplitter {
 public:
  struct Entry {
    uint64_t begin = 0, end = 0;  // absolute offsets in the stream: [begin, end)
    uint64_t line = 0;            // 1-based line where the entry begins
  };

  // Scans the next n bytes of the stream, which begin at absolute offset `offset` (where the
  // previous call stopped). Appends every entry that ends within them, in order, but stops just
  // after the entry that brings out->size() to `max_entries`. Returns how many bytes it scanned
  // (the next call starts there).
  size_t Scan(const char* data, size_t n, uint64_t offset, std::vector<Entry>* out,
              size_t max_entries = SIZE_MAX);
  // At the end of the stream: an entry the stream ended inside (its end is `end_offset`), and
  // whether it is complete (a bare number or word ends with the stream; an object, array or
  // string the stream cuts off is not).
  struct Tail {
    Entry entry;
    bool complete = false;
  };
  std::optional<Tail> Finish(uint64_t end_offset);

  // The absolute offset where the entry being read began, while one is open.
  std::optional<uint64_t> open_entry() const {
    return mode_ == Mode::kEntry ? std::optional<uint64_t>(entry_.begin) : std::nullopt;
  }
  // The top-level array was opened and not (yet) closed.
  bool array_open() const { return array_open_; }
  // Whether the document is a top-level array (known after its first byte).
  bool is_array() const { return is_array_; }
  uint64_t line() const { return line_; }

 private:
  enum class Mode : uint8_t { kStart, kArray, kValues, kEntry };
  enum class Kind : uint8_t { kContainer, kString, kScalar };

  Mode mode_ = Mode::kStart;
  Mode parent_ = Mode::kValues;  // where an entry returns to
  Kind kind_ = Kind::kContainer;
  bool in_string_ = false;
  bool escape_ = false;  // the previous byte was a backslash inside a string
  bool array_open_ = false;
  bool is_array_ = false;
  uint64_t depth_ = 0;
  uint64_t line_ = 1;
  Entry entry_;
};

}  // namespace encore
